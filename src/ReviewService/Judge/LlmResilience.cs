using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using ReviewService.Telemetry;

namespace ReviewService.Judge;

/// <summary>
/// The HTTP resilience pipeline of each model, outermost first: total timeout → retries (408, 429, 5xx, transport errors,
/// timeouts; exponential back-off with jitter, or the server's Retry-After) → circuit breaker → per-attempt timeout.
/// While the circuit is open a call fails at once with <see cref="BrokenCircuitException"/>.
/// </summary>
public static class LlmResilience
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, LlmOptions o, string model, TimeProvider clock)
    {
        pipeline.AddTimeout(TimeSpan.FromSeconds(o.TotalTimeoutSeconds));
        if (o.MaxRetries > 0)
        {
            var maxRetryAfter = TimeSpan.FromSeconds(o.MaxRetryAfterSeconds);
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = o.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(o.RetryBaseDelaySeconds),
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, maxRetryAfter, clock)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, clock)),
                OnRetry = args =>
                {
                    var reason = Reason(args.Outcome);
                    ReviewTelemetry.LlmRetries.Add(1, new TagList { { "model", model }, { "reason", reason } });
                    Activity.Current?.AddEvent(new ActivityEvent("llm.retry", tags: new ActivityTagsCollection
                    {
                        ["llm.attempt"] = args.AttemptNumber + 1, ["llm.retry.reason"] = reason, ["llm.retry.delay_ms"] = args.RetryDelay.TotalMilliseconds,
                    }));
                    return ValueTask.CompletedTask;
                },
            });
        }
        var breaker = o.CircuitBreaker;
        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = breaker.FailureRatio,
            MinimumThroughput = breaker.MinimumThroughput,
            SamplingDuration = TimeSpan.FromSeconds(breaker.SamplingSeconds),
            BreakDuration = TimeSpan.FromSeconds(breaker.BreakSeconds),
            OnOpened = _ =>
            {
                CircuitStates.Set(model, open: true);
                ReviewTelemetry.LlmCircuitOpened.Add(1, new KeyValuePair<string, object?>("model", model));
                Activity.Current?.AddEvent(new ActivityEvent("llm.circuit.opened"));
                return ValueTask.CompletedTask;
            },
            OnHalfOpened = _ =>
            {
                CircuitStates.Set(model, open: true);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                CircuitStates.Set(model, open: false);
                return ValueTask.CompletedTask;
            },
        });
        CircuitStates.Set(model, open: false);
        pipeline.AddTimeout(TimeSpan.FromSeconds(o.TimeoutSeconds));
    }

    static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter, TimeProvider clock) => outcome switch
    {
        { Exception: BrokenCircuitException } => false,
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => IsTransient(response.StatusCode) && !(RetryAfter(response, clock) > maxRetryAfter),
        _ => false,
    };

    /// <summary>Why a request is retried, as a metric tag: the status code, <c>timeout</c> or <c>transport-error</c>.</summary>
    static string Reason(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => $"http-{(int)response.StatusCode}",
        { Exception: TimeoutRejectedException } => "timeout",
        _ => "transport-error",
    };

    static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The server's <c>Retry-After</c> (seconds or a date); null lets the back-off decide.</summary>
    static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider clock)
    {
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        return header?.Date is { } date ? (date - clock.GetUtcNow()) is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero : null;
    }
}
