using Microsoft.Extensions.Diagnostics.HealthChecks;
using ReviewService.Policies;
using ReviewService.Storage;

namespace ReviewService.Health;

/// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the database is reachable and policies are loaded.</summary>
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
        return app;
    }
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
