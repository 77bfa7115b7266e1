using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ReviewService.Telemetry;

/// <summary><c>Telemetry</c> settings.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Put prompts, completions and document text into spans and logs. Off: only sizes, ids and outcomes leave the service.</summary>
    public bool IncludeSensitiveData { get; set; }
}

public static class TelemetryExtensions
{
    const string SemanticKernel = "Microsoft.SemanticKernel*";

    /// <summary>Npgsql's own spans (one per command, inside a trace only: <see cref="Storage.PostgresDialect"/>) and connection-pool metrics.</summary>
    const string Npgsql = "Npgsql";

    /// <summary>
    /// Traces and metrics from the start: the service's own spans and instruments, ASP.NET Core, HttpClient, Semantic Kernel's
    /// GenAI telemetry and Npgsql's database spans; OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; a Prometheus scrape endpoint at <c>/metrics</c>.
    /// </summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section);
        var sensitive = builder.Configuration.GetValue($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.IncludeSensitiveData)}", false);
        AppContext.SetSwitch("Microsoft.SemanticKernel.Experimental.GenAI.EnableOTelDiagnostics", true);
        AppContext.SetSwitch("Microsoft.SemanticKernel.Experimental.GenAI.EnableOTelDiagnosticsSensitive", sensitive);
        if (!sensitive)
        {
            // Semantic Kernel logs prompts and completions at Trace level: never below Information without the switch.
            builder.Logging.AddFilter("Microsoft.SemanticKernel", LogLevel.Information);
        }
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ReviewTelemetry.Name))
            .WithTracing(t =>
            {
                t.AddSource(ReviewTelemetry.Name, SemanticKernel, Npgsql).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (otlp)
                {
                    t.AddOtlpExporter();
                }
            })
            .WithMetrics(m =>
            {
                m.AddMeter(ReviewTelemetry.Name, SemanticKernel, Npgsql).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation()
                    .AddPrometheusExporter();
                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            });
        return builder;
    }

    /// <summary>
    /// <c>GET /metrics</c> for Prometheus, role <c>operator</c>: the scraper sends its API key as <c>Authorization: ApiKey …</c>
    /// (scrape config <c>authorization: { type: ApiKey, credentials_file: … }</c>).
    /// </summary>
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(Auth.Access.Operate);
}
