using Microsoft.Extensions.Diagnostics.HealthChecks;
using ReviewService.Auth;
using ReviewService.Policies;
using ReviewService.Storage;

namespace ReviewService.Health;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: the database is reachable and policies are loaded. Both are
/// anonymous and say only Healthy or Unhealthy; <c>/health/details</c> (operators) says which check failed and why.
/// </summary>
public static class HealthEndpoints
{
    public static WebApplicationBuilder AddHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<PoliciesHealthCheck>("policies", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapHealthChecks("/health/details", new() { ResponseWriter = WriteDetailsAsync }).RequireAuthorization(Access.Operate);
        return app;
    }

    static Task WriteDetailsAsync(HttpContext context, HealthReport report) => context.Response.WriteAsJsonAsync(new
    {
        status = report.Status.ToString(),
        totalMilliseconds = report.TotalDuration.TotalMilliseconds,
        checks = report.Entries.ToDictionary(e => e.Key, e => new
        {
            status = e.Value.Status.ToString(),
            description = e.Value.Description,
            milliseconds = e.Value.Duration.TotalMilliseconds,
            error = e.Value.Exception?.GetType().Name,
        }),
    });
}

public sealed class DatabaseHealthCheck(IReviewStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.IsReachableAsync(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The review database is not reachable or not migrated.");
}

public sealed class PoliciesHealthCheck(PolicyCatalog policies) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(policies.All.Count > 0 ? HealthCheckResult.Healthy($"{policies.All.Count} policies") : HealthCheckResult.Unhealthy("No policy loaded."));
}
