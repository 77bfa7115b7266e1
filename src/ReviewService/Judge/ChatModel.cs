using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using Azure.Core;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.AzureOpenAI;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI.Chat;

namespace ReviewService.Judge;

/// <summary>One configured model: the primary or the fallback, each with its own HTTP client, retries and circuit breaker.</summary>
public sealed record LlmTarget(string Role, LlmProvider Provider, Uri? Endpoint, string ModelOrDeployment, string Model, string? ApiKey)
{
    public string HttpClientName => $"llm-{Role}";

    public static IReadOnlyList<LlmTarget> FromOptions(LlmOptions o)
    {
        if (o.Provider == LlmProvider.None)
        {
            return [];
        }
        var primaryName = o.Provider == LlmProvider.AzureOpenAI ? o.Deployment! : o.Model!;
        var primary = new LlmTarget("primary", o.Provider, ToUri(o.Endpoint), primaryName, o.Model ?? primaryName, o.ApiKey);
        if (!o.Fallback.IsConfigured)
        {
            return [primary];
        }
        var f = o.Fallback;
        var fallbackName = o.Provider == LlmProvider.AzureOpenAI ? f.Deployment! : f.Model!;
        return [primary, new LlmTarget("fallback", o.Provider, ToUri(f.Endpoint) ?? primary.Endpoint, fallbackName, f.Model ?? fallbackName, f.ApiKey ?? o.ApiKey)];
    }

    static Uri? ToUri(string? endpoint) => string.IsNullOrWhiteSpace(endpoint) ? null : new Uri(endpoint);
}

/// <summary>What the model answered, with the tokens it counted.</summary>
public sealed record ChatReply(string Content, int PromptTokens, int CompletionTokens);

/// <summary>
/// Sends the judge's prompt through Semantic Kernel's OpenAI or Azure OpenAI connector. The connector's own retries are off
/// (it gets our HttpClient), so the resilience handler on the named client is the only retry, timeout and circuit breaker.
/// </summary>
public sealed class ChatModel(LlmTarget target, IHttpClientFactory http, ILoggerFactory logs, TokenCredential? azureIdentity)
{
    public LlmTarget Target => target;

    public async Task<ChatReply> CompleteAsync(JudgePrompt prompt, JudgeRequest request, BinaryData schema, int maxTokens, CancellationToken ct)
    {
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton(CreateService(http.CreateClient(target.HttpClientName)));
        var kernel = builder.Build();
        var format = ChatResponseFormat.CreateJsonSchemaFormat(JudgeReply.SchemaName, schema, jsonSchemaIsStrict: true);
        OpenAIPromptExecutionSettings settings = target.Provider == LlmProvider.AzureOpenAI
            ? new AzureOpenAIPromptExecutionSettings { Temperature = 0, MaxTokens = maxTokens, ResponseFormat = format }
            : new OpenAIPromptExecutionSettings { Temperature = 0, MaxTokens = maxTokens, ResponseFormat = format };
        var arguments = new KernelArguments(settings);
        foreach (var (name, value) in request.Arguments)
        {
            arguments[name] = value;
        }
        var result = await prompt.Function.InvokeAsync(kernel, arguments, ct);
        var message = result.GetValue<Microsoft.SemanticKernel.ChatMessageContent>() ?? throw new InvalidOperationException("The connector returned no chat message.");
        var usage = message.Metadata?.TryGetValue("Usage", out var u) == true ? u as ChatTokenUsage : null;
        return new ChatReply(message.Content ?? "", usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0);
    }

    IChatCompletionService CreateService(HttpClient client)
    {
        var loggerFactory = logs;
        if (target.Provider == LlmProvider.OpenAI)
        {
#pragma warning disable SKEXP0010 // The endpoint overload is the one way to reach OpenAI-compatible servers (Ollama, vLLM, llama.cpp).
            return new OpenAIChatCompletionService(target.ModelOrDeployment, target.Endpoint ?? new Uri("https://api.openai.com/v1"), target.ApiKey, httpClient: client, loggerFactory: loggerFactory);
#pragma warning restore SKEXP0010
        }
        // Built from an AzureOpenAIClient so that our HttpClient (and its resilience handler) carries every request.
        var options = new AzureOpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(client),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        var azure = string.IsNullOrWhiteSpace(target.ApiKey)
            ? new AzureOpenAIClient(target.Endpoint!, azureIdentity!, options)
            : new AzureOpenAIClient(target.Endpoint!, new ApiKeyCredential(target.ApiKey), options);
        return new AzureOpenAIChatCompletionService(target.ModelOrDeployment, azure, target.Model, loggerFactory);
    }
}
