using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;

namespace ReviewService.Http;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";
    /// <summary>Requests per minute per credential, on every endpoint but health.</summary>
    public int RequestsPerMinute { get; set; } = 600;
    /// <summary>Submissions per minute per credential (each one is stored, extracted and evaluated).</summary>
    public int SubmissionsPerMinute { get; set; } = 60;
    /// <summary>Requests per minute per client address without a valid credential: bounds API-key guessing.</summary>
    public int AnonymousPerMinute { get; set; } = 120;
    /// <summary>A request still running after this long is cancelled and answered 503; above Ingestion:MaxWaitSeconds.</summary>
    public double RequestTimeoutSeconds { get; set; } = 120;
}

/// <summary>
/// Limits per credential (ASP.NET Core's rate limiter, token buckets keyed by the authenticated name, or the client address
/// without one) and a time limit on every request. A refused request gets 429 problem+json with Retry-After.
/// </summary>
public static class RateLimits
{
    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.RequestsPerMinute > 0 && o.SubmissionsPerMinute > 0 && o.AnonymousPerMinute > 0 && o.RequestTimeoutSeconds > 0,
                "RateLimits values must be positive.")
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(c => c.Request.Path.StartsWithSegments("/health")
                    ? RateLimitPartition.GetNoLimiter("health")   // an orchestrator must always be able to ask
                    : PerMinute(Caller(c), c.User.Identity?.IsAuthenticated == true ? options.RequestsPerMinute : options.AnonymousPerMinute)),
                PartitionedRateLimiter.Create<HttpContext, string>(c => IsSubmission(c.Request)
                    ? PerMinute($"submit:{Caller(c)}", options.SubmissionsPerMinute)
                    : RateLimitPartition.GetNoLimiter("")));
            o.OnRejected = RejectAsync;
        });
        builder.Services.AddRequestTimeouts(o => o.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
            WriteTimeoutResponse = context => new Failure(FailureKind.Busy, "Request timed out",
                $"The request took longer than {options.RequestTimeoutSeconds:0} s and was cancelled. A submission may have been stored before that: " +
                "find it in GET /v1/reviews, or send it again with the same Idempotency-Key to get the same review.")
                .ToProblem().ExecuteAsync(context),
        });
        return builder;
    }

    /// <summary>After authentication: the limiter keys on who the caller is.</summary>
    public static WebApplication UseRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        return app;
    }

    static string Caller(HttpContext c) => c.User.Identity is { IsAuthenticated: true, Name: { } name }
        ? $"credential:{name}"
        : $"address:{c.Connection.RemoteIpAddress}";

    /// <summary>A single submission or a batch (a batch takes one submission's allowance, and its files the documents' limits).</summary>
    static bool IsSubmission(HttpRequest r) => HttpMethods.IsPost(r.Method) && r.Path.Value?.TrimEnd('/') is "/v1/reviews" or "/v1/batches";

    /// <summary>
    /// A bucket of a minute's allowance that refills steadily, so a burst is allowed and a steady flood is not: every second
    /// from 60 a minute on, else one token every 60/limit seconds (a refill of one a second would let 5 a minute be 65).
    /// </summary>
    static RateLimitPartition<string> PerMinute(string key, int limit) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit,
            ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, 60.0 / limit)),
            TokensPerPeriod = Math.Max(1, limit / 60),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        await new Failure(FailureKind.TooManyRequests, "Too many requests",
            $"This credential sent more requests than its limit allows (RateLimits in the service's settings). Wait {seconds} s and send the request again.",
            Extensions: new Dictionary<string, object?> { [Problems.RetryAfterSeconds] = seconds })
            .ToProblem().ExecuteAsync(rejected.HttpContext);
    }
}
