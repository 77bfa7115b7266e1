using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace ReviewService.Judge;

[JsonConverter(typeof(JsonStringEnumConverter<LlmProvider>))]
public enum LlmProvider
{
    /// <summary>No judge: undetermined checks go straight to the reviewers' queue.</summary>
    None,
    /// <summary>Any OpenAI-compatible endpoint: OpenAI, Ollama, vLLM, llama.cpp server.</summary>
    OpenAI,
    AzureOpenAI,
}

/// <summary>The <c>Llm</c> section: which model judges the checks the rules leave undetermined, and every limit around the call.</summary>
public sealed class LlmOptions
{
    public const string Section = "Llm";

    public LlmProvider Provider { get; set; } = LlmProvider.None;
    /// <summary>OpenAI: the base URL including <c>/v1</c> (default https://api.openai.com/v1). Azure: the resource URL.</summary>
    public string? Endpoint { get; set; }
    /// <summary>OpenAI: the model sent in each request. Azure: the model behind the deployment (stamped and priced; defaults to the deployment).</summary>
    public string? Model { get; set; }
    /// <summary>Azure OpenAI deployment name.</summary>
    public string? Deployment { get; set; }
    /// <summary>Optional for local OpenAI-compatible servers; for Azure, none means Azure identity (DefaultAzureCredential).</summary>
    public string? ApiKey { get; set; }
    /// <summary>A second model or deployment tried when the primary is unavailable (after its retries, or at once while its circuit is open).</summary>
    public LlmFallbackOptions Fallback { get; set; } = new();

    /// <summary>Per HTTP attempt.</summary>
    public double TimeoutSeconds { get; set; } = 30;
    /// <summary>Per model, all attempts and back-off delays included.</summary>
    public double TotalTimeoutSeconds { get; set; } = 50;
    /// <summary>Retries after the first attempt, on 408, 429, 5xx and transport errors, with exponential back-off and jitter.</summary>
    public int MaxRetries { get; set; } = 2;
    public double RetryBaseDelaySeconds { get; set; } = 1;
    /// <summary>A <c>Retry-After</c> longer than this is not waited for: the model counts as unavailable (the fallback is tried).</summary>
    public double MaxRetryAfterSeconds { get; set; } = 20;
    public LlmCircuitBreakerOptions CircuitBreaker { get; set; } = new();
    /// <summary>LLM calls in flight at once per instance; more wait in a queue of <see cref="MaxQueuedCalls"/>, beyond which reviews are degraded.</summary>
    public int MaxConcurrentCalls { get; set; } = 4;
    public int MaxQueuedCalls { get; set; } = 64;

    /// <summary>
    /// Prompt tokens per review (template, checks and passages), counted with the model's tokenizer: the retrieval stage
    /// chooses the passages within what the template and the checks leave.
    /// </summary>
    public int MaxPromptTokens { get; set; } = 16000;
    /// <summary>When the whole document fits this many tokens, the judge reads all of it instead of retrieved passages. 0 = off.</summary>
    public int WholeDocumentMaxTokens { get; set; }
    /// <summary>The tiktoken encoding that counts tokens for a model Microsoft.ML.Tokenizers does not know by name (<c>o200k_base</c> or <c>cl100k_base</c>).</summary>
    public string Encoding { get; set; } = DefaultEncoding;
    public const string DefaultEncoding = "o200k_base";
    public int MaxCompletionTokens { get; set; } = 1200;
    /// <summary>Tokens per UTC day across all reviews; once spent, reviews go to the queue (degraded). 0 = no limit.</summary>
    public long DailyTokenBudget { get; set; }
    /// <summary>Quoted evidence shorter than this (after white space is collapsed) does not ground an answer.</summary>
    public int MinEvidenceCharacters { get; set; } = 15;
    /// <summary>The Semantic Kernel prompt template, relative to the program's folder.</summary>
    public string PromptFile { get; set; } = "prompts/judge.prompt.txt";
    /// <summary>Prices per model, for the estimated cost of each review.</summary>
    public List<ModelPrice> Prices { get; set; } = [];
}

public sealed class LlmFallbackOptions
{
    /// <summary>OpenAI: the fallback model. Azure: the model behind <see cref="Deployment"/>.</summary>
    public string? Model { get; set; }
    public string? Deployment { get; set; }
    /// <summary>Defaults to the primary's endpoint.</summary>
    public string? Endpoint { get; set; }
    /// <summary>Defaults to the primary's key.</summary>
    public string? ApiKey { get; set; }

    internal bool IsConfigured => !string.IsNullOrWhiteSpace(Model) || !string.IsNullOrWhiteSpace(Deployment);
}

public sealed class LlmCircuitBreakerOptions
{
    /// <summary>Failed attempts / attempts within <see cref="SamplingSeconds"/> that open the circuit.</summary>
    public double FailureRatio { get; set; } = 0.5;
    public int MinimumThroughput { get; set; } = 4;
    public double SamplingSeconds { get; set; } = 30;
    /// <summary>How long the circuit stays open: reviews skip the model at once, then one trial call decides whether it closes.</summary>
    public double BreakSeconds { get; set; } = 30;
}

public sealed class ModelPrice
{
    public string Model { get; set; } = "";
    public decimal InputPer1KTokens { get; set; }
    public decimal OutputPer1KTokens { get; set; }
}

/// <summary>Refuses to start on an incomplete or impossible <c>Llm</c> section, naming the setting.</summary>
public sealed class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmOptions o)
    {
        var errors = new List<string>();
        if (o.Provider == LlmProvider.OpenAI && string.IsNullOrWhiteSpace(o.Model))
        {
            errors.Add("Llm:Model is required when Llm:Provider is OpenAI.");
        }
        if (o.Provider == LlmProvider.OpenAI && string.IsNullOrWhiteSpace(o.Endpoint) && string.IsNullOrWhiteSpace(o.ApiKey))
        {
            errors.Add("Llm:ApiKey is required for api.openai.com; set Llm:Endpoint for a local OpenAI-compatible server.");
        }
        if (o.Provider == LlmProvider.AzureOpenAI && (string.IsNullOrWhiteSpace(o.Endpoint) || string.IsNullOrWhiteSpace(o.Deployment)))
        {
            errors.Add("Llm:Endpoint and Llm:Deployment are required when Llm:Provider is AzureOpenAI.");
        }
        if (o.Provider == LlmProvider.AzureOpenAI && o.Fallback.IsConfigured && string.IsNullOrWhiteSpace(o.Fallback.Deployment))
        {
            errors.Add("Llm:Fallback:Deployment is required for an Azure OpenAI fallback.");
        }
        foreach (var endpoint in new[] { o.Endpoint, o.Fallback.Endpoint }.Where(e => !string.IsNullOrWhiteSpace(e)))
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add($"Llm endpoint '{endpoint}' must be an absolute http(s) URL.");
            }
        }
        if (o.TimeoutSeconds <= 0 || o.TotalTimeoutSeconds < o.TimeoutSeconds || o.MaxRetries < 0 || o.RetryBaseDelaySeconds < 0 || o.MaxRetryAfterSeconds < 0)
        {
            errors.Add("Llm:TimeoutSeconds must be positive, Llm:TotalTimeoutSeconds at least as long, Llm:MaxRetries, RetryBaseDelaySeconds and MaxRetryAfterSeconds not negative.");
        }
        var cb = o.CircuitBreaker;
        if (cb.FailureRatio is <= 0 or > 1 || cb.MinimumThroughput < 2 || cb.SamplingSeconds < 0.5 || cb.BreakSeconds < 0.5)
        {
            errors.Add("Llm:CircuitBreaker: FailureRatio in (0, 1], MinimumThroughput at least 2, SamplingSeconds and BreakSeconds at least 0.5.");
        }
        if (o.MaxConcurrentCalls < 1 || o.MaxQueuedCalls < 0 || o.MaxPromptTokens < 200 || o.MaxCompletionTokens < 50 || o.DailyTokenBudget < 0 || o.MinEvidenceCharacters < 1)
        {
            errors.Add("Llm: MaxConcurrentCalls at least 1, MaxQueuedCalls and DailyTokenBudget not negative, MaxPromptTokens at least 200, MaxCompletionTokens at least 50, MinEvidenceCharacters at least 1.");
        }
        if (o.Encoding is not ("o200k_base" or "cl100k_base"))
        {
            errors.Add($"Llm:Encoding must be o200k_base or cl100k_base (got '{o.Encoding}').");
        }
        if (o.WholeDocumentMaxTokens < 0)
        {
            errors.Add("Llm:WholeDocumentMaxTokens must not be negative (0 turns whole-document mode off).");
        }
        foreach (var price in o.Prices.Where(p => string.IsNullOrWhiteSpace(p.Model) || p.InputPer1KTokens < 0 || p.OutputPer1KTokens < 0))
        {
            errors.Add($"Llm:Prices: entry for '{price.Model}' needs a Model and prices that are not negative.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
