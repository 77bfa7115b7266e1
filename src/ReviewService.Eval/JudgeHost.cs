using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using ReviewService.Judge;
using ReviewService.Retrieval;
using ReviewService.Storage;

namespace ReviewService.Eval;

/// <summary>
/// The service's retrieval stage and LLM judge, registered by the service's own extensions (<c>AddRetrieval</c>, <c>AddJudge</c>)
/// from the same <c>Llm:*</c> and <c>Retrieval:*</c> settings, in an application that is built but never run: no web server,
/// no database, no workers. So the Semantic Kernel connector, the prompt, grounding and the resilience pipeline are the service's.
/// </summary>
public sealed class JudgeHost : IAsyncDisposable
{
    public const string NoModel = """
        --judge needs a model, configured as for the service (README, "LLM judge"): set Llm__Provider (OpenAI or AzureOpenAI),
        Llm__Endpoint (an OpenAI-compatible URL including /v1, or the Azure resource), Llm__Model (Azure: Llm__Deployment),
        Llm__ApiKey where the server needs one, and optionally Llm__Fallback__Model and Llm__Prices__0__* for the cost.
        """;

    const string Invalid = "--judge: the settings are not valid, as the service would refuse to start on them (README, \"LLM judge\"): ";

    readonly WebApplication _app;

    JudgeHost(WebApplication app)
    {
        _app = app;
        Retriever = app.Services.GetRequiredService<PassageRetriever>();
        Judge = app.Services.GetRequiredService<IJudge>();
        Options = app.Services.GetRequiredService<IOptions<LlmOptions>>().Value;
        RetrievalOptions = app.Services.GetRequiredService<IOptions<RetrievalOptions>>().Value;
        var targets = LlmTarget.FromOptions(Options);
        Setup = new JudgeSetup(Options.Provider.ToString(), targets[0].Model, targets.Count > 1 ? targets[1].Model : null,
            app.Services.GetRequiredService<JudgePrompt>().Version);
    }

    public PassageRetriever Retriever { get; }
    public IJudge Judge { get; }
    public LlmOptions Options { get; }
    public RetrievalOptions RetrievalOptions { get; }
    public JudgeSetup Setup { get; }

    /// <summary>
    /// With no <paramref name="settings"/>, the service's configuration sources: the appsettings.json copied beside this program,
    /// then environment variables (<c>Llm__Provider</c>, ...). With settings, only those (tests: no process-wide environment).
    /// Returns the problem instead of a host when no model is configured or the settings are invalid.
    /// </summary>
    public static async Task<(JudgeHost? Host, string? Problem)> BuildAsync(IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (settings is not null)
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(settings);
        }
        // Only the judge's warnings (a model unavailable, a review degraded), on stderr: stdout is the evaluation's summary.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
        // Polly logs every retried attempt with its stack trace; the judge's own warning names the model and the reason once a review.
        builder.Logging.AddFilter<ConsoleLoggerProvider>("Polly", LogLevel.Error);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IReviewStore, NoStoredReviews>();
        builder.AddRetrieval();
        builder.AddJudge();
        var app = builder.Build();

        var problem = Validate(app.Services);
        if (problem is null && app.Services.GetRequiredService<IJudge>() is NoJudge)
        {
            problem = NoModel;
        }
        if (problem is not null)
        {
            await app.DisposeAsync();
            return (null, problem);
        }
        return (new JudgeHost(app), null);
    }

    /// <summary>What the service checks at start (<c>ValidateOnStart</c>): the application is never started here, so it is asked for.</summary>
    static string? Validate(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return null;
        }
        catch (OptionsValidationException e)
        {
            return Invalid + e.Message;
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            return Invalid + string.Join(" ", e.InnerExceptions.Select(i => i.Message));
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
