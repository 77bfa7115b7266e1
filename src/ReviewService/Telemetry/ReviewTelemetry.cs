using System.Diagnostics;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ReviewService.Telemetry;

/// <summary>The service's own spans and instruments; registered with OpenTelemetry by <see cref="TelemetryExtensions"/>.</summary>
public static class ReviewTelemetry
{
    public const string Name = "ReviewService";

    public static readonly ActivitySource Source = new(Name);
    static readonly Meter Meter = new(Name);

    public static readonly Counter<long> ReviewsSubmitted = Meter.CreateCounter<long>("reviews.submitted", "{review}", "Documents accepted for review.");
    public static readonly Counter<long> ReviewsFinished = Meter.CreateCounter<long>("reviews.finished", "{review}", "Reviews finished, by policy, status and decision.");
    public static readonly Counter<long> ChecksDecided = Meter.CreateCounter<long>("reviews.checks", "{check}", "Check findings, by policy, outcome and decidedBy.");
    public static readonly Counter<long> SubmissionsRejected = Meter.CreateCounter<long>("reviews.rejected", "{request}", "Submissions refused with a 4xx, by reason.");
    public static readonly Histogram<double> StageDuration = Meter.CreateHistogram<double>("reviews.stage.duration", "s", "Time spent per pipeline stage.", advice: Seconds([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]));
    public static readonly Counter<long> ReviewsDegraded = Meter.CreateCounter<long>("reviews.degraded", "{review}", "Reviews sent to the queue because the LLM judge could not be used, by reason.");
    public static readonly Counter<long> LlmCalls = Meter.CreateCounter<long>("reviews.llm.calls", "{call}", "LLM judge calls, by model, role (primary, fallback) and outcome.");
    public static readonly Counter<long> LlmTokens = Meter.CreateCounter<long>("reviews.llm.tokens", "{token}", "Tokens used by the LLM judge, by model and type (input, output).");
    public static readonly Counter<double> LlmCost = Meter.CreateCounter<double>("reviews.llm.cost", "{currency}", "Estimated cost of the LLM judge from the configured prices, by model.");
    public static readonly Counter<long> JudgeVerdicts = Meter.CreateCounter<long>("reviews.judge.verdicts", "{check}", "Judge answers, by result (accepted, ungrounded, low-confidence, disagreement with a held rules decision, undetermined, unanswered).");
    public static readonly Counter<long> QueueResolved = Meter.CreateCounter<long>("reviews.queue.resolved", "{item}", "Queue items resolved by reviewers, by policy and kind (review, qa-sample).");
    public static readonly Counter<long> QaVerdicts = Meter.CreateCounter<long>("reviews.queue.agreement", "{verdict}", "Reviewer verdicts compared with an automated answer, by policy, check, stage (rules, llm, llm-suggestion, rules-held) and agreed (true, false).");
    public static readonly Histogram<double> LlmDuration = Meter.CreateHistogram<double>("reviews.llm.duration", "s", "One model call including its retries, by model, role and outcome.", advice: Seconds([0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120]));
    public static readonly Counter<long> LlmRetries = Meter.CreateCounter<long>("reviews.llm.retries", "{retry}", "Retried LLM requests, by model and reason (http-429, http-5xx, timeout, transport-error).");
    public static readonly Counter<long> LlmFallbacks = Meter.CreateCounter<long>("reviews.llm.fallbacks", "{call}", "Calls that left a model for the next one (fallback, or the queue when none is left), by model and reason.");
    public static readonly Counter<long> LlmCircuitOpened = Meter.CreateCounter<long>("reviews.llm.circuit.opened", "{event}", "Times a model's circuit breaker opened, by model.");
    public static readonly ObservableGauge<int> LlmCircuitOpen = Meter.CreateObservableGauge("reviews.llm.circuit.open", CircuitStates.Observe, "{circuit}", "1 while a model's circuit breaker is open or half-open, 0 when closed, by model.");
    public static readonly Histogram<double> ReviewDuration = Meter.CreateHistogram<double>("reviews.duration", "s", "From submission to a finished review.", advice: Seconds([0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900]));

    public static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>("reviews.webhook.deliveries", "{attempt}", "Webhook delivery attempts, by event and outcome (delivered, retry, gave_up).");

    public static readonly Counter<long> StoreErrors = Meter.CreateCounter<long>("reviews.store.errors", "{error}", "Database operations that failed (unreachable, locked, full), by operation.");

    /// <summary>Bucket boundaries in seconds: the defaults are meant for milliseconds and would put every review in the first bucket.</summary>
    static InstrumentAdvice<double> Seconds(double[] boundaries) => new() { HistogramBucketBoundaries = boundaries };
}

/// <summary>The circuit breaker state of each model, as the resilience pipeline reports it.</summary>
public static class CircuitStates
{
    static readonly ConcurrentDictionary<string, int> Open = new();

    public static void Set(string model, bool open) => Open[model] = open ? 1 : 0;

    public static IEnumerable<Measurement<int>> Observe() =>
        Open.Select(s => new Measurement<int>(s.Value, new KeyValuePair<string, object?>("model", s.Key)));
}

/// <summary>Attribute names of the OpenTelemetry semantic conventions for generative AI (and <c>error.type</c>).</summary>
public static class GenAi
{
    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string ErrorType = "error.type";
}
