using System.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using ReviewService.Decisions;
using ReviewService.Policies;
using ReviewService.ReviewQueue;
using Outcome = ReviewService.Decisions.Outcome;
using ReviewService.Telemetry;

namespace ReviewService.Judge;

/// <summary>
/// One call per review: the undetermined checks that have candidate passages, batched, to the primary model and, when it is
/// unavailable, the fallback. An answer is accepted only when its quoted evidence is in the document and its confidence
/// reaches the policy's threshold; anything else leaves the check in the queue, with the answer as a suggestion. A rules
/// decision held for verification (<see cref="Decisions.Proposal"/>) is asked like any other check, and an accepted answer
/// settles it only when it agrees with the rule's; otherwise a reviewer decides (<see cref="QueueReasons.Disagreement"/>).
/// When no model can be used, the checks go to the queue and the review is marked degraded with the reason.
/// </summary>
public sealed partial class LlmJudge : IJudge
{
    readonly LlmOptions _options;
    readonly JudgePrompt _prompt;
    readonly IReadOnlyList<ChatModel> _models;
    readonly DailyTokenBudget _budget;
    readonly ILogger<LlmJudge> _log;
    readonly ResiliencePipeline _concurrency;
    readonly TokenCounter _tokens;

    public LlmJudge(IOptions<LlmOptions> options, JudgePrompt prompt, TokenCounter tokens, IEnumerable<ChatModel> models, DailyTokenBudget budget, ILogger<LlmJudge> log)
    {
        _options = options.Value;
        _prompt = prompt;
        _tokens = tokens;
        _models = [.. models];
        _budget = budget;
        _log = log;
        _concurrency = new ResiliencePipelineBuilder().AddConcurrencyLimiter(_options.MaxConcurrentCalls, _options.MaxQueuedCalls).Build();
    }

    public async Task<JudgeResult> JudgeAsync(Policy policy, string text, IReadOnlyList<CheckFinding> findings, CancellationToken ct)
    {
        // Without a passage the model would have nothing to read: those checks go to a reviewer as they are. The passages are
        // the retrieval stage's, chosen within Llm:MaxPromptTokens: all of them are sent.
        var undetermined = findings.Where(f => !f.IsDecided && f.Candidates.Count > 0).ToList();
        if (undetermined.Count == 0)
        {
            return JudgeResult.Unchanged(findings);
        }
        using var activity = ReviewTelemetry.Source.StartActivity("judge");
        activity?.SetTag(GenAi.OperationName, "chat");
        activity?.SetTag(GenAi.ProviderName, ProviderName(_models[0]));
        activity?.SetTag(GenAi.RequestModel, _models[0].Target.Model);
        activity?.SetTag("llm.prompt_version", _prompt.Version);
        if (await _budget.IsSpentAsync(ct))
        {
            return Degraded(findings, undetermined, "token-budget", $"the daily token budget of {_budget.Limit} tokens is spent", null, activity);
        }
        var request = _prompt.Build(policy, undetermined, _tokens);
        activity?.SetTag("judge.checks_sent", request.Checks.Count);
        activity?.SetTag("judge.prompt_tokens_counted", request.PromptTokens);

        var (reply, model, failures) = await CallAsync(request, ct);
        if (reply is null || model is null)
        {
            return failures.Count == 1 && failures[0].StartsWith("overloaded", StringComparison.Ordinal)
                ? Degraded(findings, request.Checks, "overloaded", failures[0], null, activity)
                : Degraded(findings, request.Checks, "llm-unavailable", string.Join("; ", failures), null, activity);
        }
        var usage = Record(model, request, reply);
        activity?.SetTag(GenAi.ResponseModel, usage.Model);
        activity?.SetTag(GenAi.InputTokens, usage.PromptTokens);
        activity?.SetTag(GenAi.OutputTokens, usage.CompletionTokens);
        activity?.SetTag("llm.fallback_used", model != _models[0]);

        var (verdicts, error) = JudgeReply.Parse(reply.Content, request.Checks.Select(c => c.Check).ToHashSet(StringComparer.Ordinal));
        if (error is not null)
        {
            ReviewTelemetry.LlmCalls.Add(1, Tags(model, "invalid-output"));
            return Degraded(findings, request.Checks, "invalid-output", $"{model.Target.Model} {error}", usage, activity);
        }
        ReviewTelemetry.LlmCalls.Add(1, Tags(model, "ok"));
        return Ground(policy, text, findings, request, verdicts, model.Target.Model, usage, activity);
    }

    async Task<(ChatReply? Reply, ChatModel? Model, List<string> Failures)> CallAsync(JudgeRequest request, CancellationToken ct)
    {
        var schema = JudgeReply.Schema(request.Checks.Select(c => c.Check));
        var failures = new List<string>();
        try
        {
            return await _concurrency.ExecuteAsync(async token =>
            {
                for (var i = 0; i < _models.Count; i++)
                {
                    var model = _models[i];
                    using var call = StartChatSpan(model);
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        var reply = await model.CompleteAsync(_prompt, request, schema, _options.MaxCompletionTokens, token);
                        call?.SetTag(GenAi.ResponseModel, model.Target.Model);
                        call?.SetTag(GenAi.InputTokens, reply.PromptTokens);
                        call?.SetTag(GenAi.OutputTokens, reply.CompletionTokens);
                        ReviewTelemetry.LlmDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, Tags(model, "ok"));
                        return (reply, model, failures);
                    }
                    catch (Exception e) when (!ct.IsCancellationRequested)
                    {
                        var reason = Describe(e);
                        var outcome = reason.Split(' ')[0];
                        var next = i + 1 < _models.Count ? _models[i + 1].Target.Role : "queue";
                        failures.Add($"{model.Target.Role} {model.Target.Model}: {reason}");
                        call?.SetTag(GenAi.ErrorType, outcome);
                        call?.SetStatus(ActivityStatusCode.Error, reason);
                        ReviewTelemetry.LlmCalls.Add(1, Tags(model, outcome));
                        ReviewTelemetry.LlmDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, Tags(model, outcome));
                        ReviewTelemetry.LlmFallbacks.Add(1, new TagList { { "model", model.Target.Model }, { "reason", outcome }, { "to", next } });
                        Activity.Current?.AddEvent(new ActivityEvent("llm.fallback", tags: new ActivityTagsCollection
                        {
                            ["llm.from"] = model.Target.Model, ["llm.to"] = next, ["llm.reason"] = reason,
                        }));
                        LogModelFailed(e, model.Target.Role, model.Target.Model, reason);
                    }
                }
                return ((ChatReply?)null, (ChatModel?)null, failures);
            }, ct);
        }
        catch (RateLimiterRejectedException)
        {
            return (null, null, [$"overloaded: more than {_options.MaxConcurrentCalls} calls in flight and {_options.MaxQueuedCalls} waiting"]);
        }
    }

    JudgeResult Ground(Policy policy, string text, IReadOnlyList<CheckFinding> findings, JudgeRequest request,
        IReadOnlyList<RawVerdict> verdicts, string model, LlmUsage usage, Activity? activity)
    {
        var threshold = policy.Definition.JudgeConfidenceThreshold;
        var byCheck = verdicts.ToDictionary(v => v.Check, StringComparer.Ordinal);
        var judged = new Dictionary<string, CheckFinding>(StringComparer.Ordinal);
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var finding in request.Checks)
        {
            if (!byCheck.TryGetValue(finding.Check, out var raw))
            {
                reasons[finding.Check] = QueueReasons.Undetermined;
                judged[finding.Check] = finding with { Note = "The judge gave no answer for this check." };
                Count("unanswered", model);
                continue;
            }
            var verdict = new JudgeVerdict(raw.Check, raw.Outcome, raw.Confidence, raw.Evidence, raw.Rationale, model, _prompt.Version);
            var span = raw.Outcome == Outcome.Undetermined ? null : Grounding.Find(text, raw.Evidence, _options.MinEvidenceCharacters, finding.Candidates);
            var rejected = raw.Outcome == Outcome.Undetermined ? QueueReasons.Undetermined
                : span is null ? QueueReasons.Ungrounded
                : raw.Confidence < threshold ? QueueReasons.LowConfidence
                : finding.Proposal is { } held && held.Outcome != raw.Outcome ? QueueReasons.Disagreement
                : null;
            Count(rejected ?? "accepted", model);
            if (rejected is not null)
            {
                reasons[finding.Check] = rejected;
                judged[finding.Check] = finding with { Suggestion = JudgeSuggestion.From(verdict, rejected), Note = RejectionNote(rejected, threshold) };
                continue;
            }
            judged[finding.Check] = finding with
            {
                Outcome = raw.Outcome,
                DecidedBy = DecidedBy.Llm,
                Confidence = raw.Confidence,
                Evidence = [span!],
                Note = finding.Proposal is { } verified ? Decisions.Verification.Confirmed(verified, raw.Rationale) : raw.Rationale,
                Model = model,
                PromptVersion = _prompt.Version,
            };
        }
        activity?.SetTag("judge.accepted", judged.Values.Count(f => f.IsDecided));
        activity?.SetTag("judge.rejected", reasons.Count);
        return new JudgeResult([.. findings.Select(f => judged.GetValueOrDefault(f.Check, f))], reasons, null, usage);
    }

    JudgeResult Degraded(IReadOnlyList<CheckFinding> findings, IReadOnlyList<CheckFinding> affected, string code, string detail, LlmUsage? usage, Activity? activity)
    {
        var reason = $"{code}: {detail}";
        LogDegraded(affected.Count, reason);
        activity?.SetTag("judge.degraded", code);
        activity?.SetTag(GenAi.ErrorType, code);
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        return new JudgeResult(findings, affected.ToDictionary(f => f.Check, _ => QueueReasons.Degraded, StringComparer.Ordinal), reason, usage);
    }

    /// <summary>Tokens as the model's reply counts them (<c>usage</c>); a server that sends none is counted with the model's tokenizer.</summary>
    LlmUsage Record(ChatModel model, JudgeRequest request, ChatReply reply)
    {
        if (reply.PromptTokens == 0 && reply.CompletionTokens == 0)
        {
            reply = reply with { PromptTokens = request.PromptTokens, CompletionTokens = _tokens.Count(reply.Content) };
        }
        var price = _options.Prices.FirstOrDefault(p => string.Equals(p.Model, model.Target.Model, StringComparison.OrdinalIgnoreCase));
        var cost = price is null ? 0m : (reply.PromptTokens * price.InputPer1KTokens + reply.CompletionTokens * price.OutputPer1KTokens) / 1000m;
        _budget.Spend(reply.PromptTokens + reply.CompletionTokens);
        var tags = new TagList { { "model", model.Target.Model } };
        ReviewTelemetry.LlmTokens.Add(reply.PromptTokens, new TagList { { "model", model.Target.Model }, { "type", "input" } });
        ReviewTelemetry.LlmTokens.Add(reply.CompletionTokens, new TagList { { "model", model.Target.Model }, { "type", "output" } });
        ReviewTelemetry.LlmCost.Add((double)cost, tags);
        return new LlmUsage(model.Target.Model, reply.PromptTokens, reply.CompletionTokens, cost);
    }

    /// <summary>A client span per model call, named and tagged as the GenAI semantic conventions say (<c>chat {model}</c>).</summary>
    static Activity? StartChatSpan(ChatModel model)
    {
        var span = ReviewTelemetry.Source.StartActivity($"chat {model.Target.Model}", ActivityKind.Client);
        span?.SetTag(GenAi.OperationName, "chat");
        span?.SetTag(GenAi.ProviderName, ProviderName(model));
        span?.SetTag(GenAi.RequestModel, model.Target.Model);
        span?.SetTag("llm.role", model.Target.Role);
        return span;
    }

    static string ProviderName(ChatModel model) => model.Target.Provider == LlmProvider.AzureOpenAI ? "azure.ai.openai" : "openai";

    /// <summary>A short, stable reason for an unusable model: the first word is the metric's outcome tag.</summary>
    static string Describe(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case BrokenCircuitException:
                    return "circuit-open";
                case TimeoutRejectedException:
                    return "timeout";
                case HttpOperationException { StatusCode: { } status }:
                    return $"http-{(int)status}";
                case HttpRequestException { StatusCode: { } status }:
                    return $"http-{(int)status}";
                case HttpRequestException:
                    return "transport-error";
            }
        }
        return $"error {e.GetType().Name}";
    }

    static string RejectionNote(string reason, double threshold) => reason switch
    {
        QueueReasons.Ungrounded => "The judge's evidence is not in the document; see its suggestion.",
        QueueReasons.LowConfidence => $"The judge's confidence is under the policy's threshold of {threshold}; see its suggestion.",
        QueueReasons.Disagreement => "The rule's answer was measured under the policy's target accuracy, and the judge, reading the clause, answered otherwise: see both.",
        _ => "The judge could not decide this check; see its suggestion.",
    };

    static void Count(string result, string model) =>
        ReviewTelemetry.JudgeVerdicts.Add(1, new TagList { { "result", result }, { "model", model } });

    static TagList Tags(ChatModel model, string outcome) =>
        new() { { "model", model.Target.Model }, { "role", model.Target.Role }, { "outcome", outcome } };

    [LoggerMessage(Level = LogLevel.Warning, Message = "LLM judge: {Role} model {Model} unavailable ({Reason})")]
    partial void LogModelFailed(Exception e, string role, string model, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "LLM judge degraded: {Checks} checks go to the review queue ({Reason})")]
    partial void LogDegraded(int checks, string reason);
}
