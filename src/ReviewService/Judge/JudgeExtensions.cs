using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace ReviewService.Judge;

public static class JudgeExtensions
{
    /// <summary>
    /// The LLM judge chosen by <c>Llm:Provider</c>: none (undetermined checks go to the queue), OpenAI-compatible or Azure OpenAI,
    /// each model behind a named HttpClient whose resilience handler does the timeouts, retries and circuit breaking.
    /// </summary>
    public static WebApplicationBuilder AddJudge(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>();

        var options = builder.Configuration.GetSection(LlmOptions.Section).Get<LlmOptions>() ?? new LlmOptions();
        // The prompt and the tokenizer are loaded without a model too: retrieval chooses what the judge would be sent.
        var promptPath = Path.IsPathRooted(options.PromptFile) ? options.PromptFile : Path.Combine(AppContext.BaseDirectory, options.PromptFile);
        builder.Services.AddSingleton(JudgePrompt.Load(promptPath));
        builder.Services.AddSingleton<TokenCounter>();
        if (options.Provider == LlmProvider.None)
        {
            builder.Services.AddSingleton<IJudge, NoJudge>();
            return builder;
        }

        builder.Services.AddSingleton<DailyTokenBudget>();
        // Azure identity (managed identity, workload identity, az login) when no API key is configured.
        builder.Services.AddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        foreach (var target in LlmTarget.FromOptions(options))
        {
            var client = builder.Services.AddHttpClient(target.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
            client.AddResilienceHandler(target.HttpClientName, (pipeline, context) =>
                    LlmResilience.Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<LlmOptions>>().Value, target.Model,
                        context.ServiceProvider.GetRequiredService<TimeProvider>()));
            client.AddHttpMessageHandler(() => new CredentialEchoScrubber());   // inside the resilience handler: every attempt's error body
            builder.Services.AddSingleton(sp => new ChatModel(target, sp.GetRequiredService<IHttpClientFactory>(),
                sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TokenCredential>()));
        }
        builder.Services.AddSingleton<IJudge, LlmJudge>();
        return builder;
    }
}
