using System.Globalization;
using System.Text;

namespace ReviewService.Eval;

/// <summary>The --judge part of the Markdown summary and of the console line: each stage beside the cascade, per check.</summary>
public static class CascadeSummary
{
    public static string OneLine(EvalReport r) => r.Cascade is not { } c ? "" : string.Create(CultureInfo.InvariantCulture,
        $"cascade ({r.Judge!.Model}, prompt {r.Judge.PromptVersion}): coverage {c.Coverage:0.000}, accuracy {c.Accuracy:0.000} " +
        $"(rules {r.Pairs!.Rules}, llm {r.Pairs.Llm} at {r.Stages!.Llm.Accuracy:0.000}, undetermined {r.Pairs.Undetermined}); " +
        $"tokens {r.LlmUsage!.InputTokens} in, {r.LlmUsage.OutputTokens} out, cost {r.LlmUsage.EstimatedCost:0.####}; " +
        $"judge p95 {r.Latency!.P95Ms:0} ms; degraded {r.Degraded!.Reviews}");

    public static void Append(StringBuilder s, EvalReport r)
    {
        if (r.Cascade is not { } cascade)
        {
            return;
        }
        var (judge, pairs, llm, usage, latency, degraded) = (r.Judge!, r.Pairs!, r.Stages!.Llm, r.LlmUsage!, r.Latency!, r.Degraded!);
        s.AppendLine();
        s.AppendLine("## Cascade: rules → LLM judge");
        s.AppendLine();
        var fallback = judge.FallbackModel is { } f ? $" (fallback `{f}`)" : "";
        s.AppendLine(CultureInfo.InvariantCulture, $"Judge: {judge.Provider} `{judge.Model}`{fallback}, prompt `{judge.PromptVersion}`. " +
            $"Of {cascade.Pairs} pairs the rules decided {pairs.Rules}, the LLM {pairs.Llm}; {pairs.Undetermined} stay undetermined. " +
            $"Cascade coverage {cascade.Coverage:P1}, accuracy {cascade.Accuracy:P1}. The LLM was asked {llm.Pairs} pairs in reviews it answered " +
            $"and decided {llm.Decided} ({llm.Coverage:P1}), {llm.Right} right ({llm.Accuracy:P1}).");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"LLM usage: {usage.InputTokens} input and {usage.OutputTokens} output tokens over {usage.Reviews} reviews, " +
            $"estimated cost {usage.EstimatedCost:0.####} (Llm:Prices).");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Judge latency per review ({latency.Count} reviews, retries and fallback included): " +
            $"p50 {latency.P50Ms:0} ms, p95 {latency.P95Ms:0} ms, max {latency.MaxMs:0} ms.");
        s.AppendLine();
        var reasons = string.Join(", ", degraded.Reasons.Select(x => $"{x.Key} {x.Value}"));
        var detail = degraded.Reviews == 0 ? ""
            : string.Create(CultureInfo.InvariantCulture, $" ({degraded.Pairs} pairs left undetermined, not counted as wrong: {reasons})");
        s.AppendLine(CultureInfo.InvariantCulture, $"Degraded reviews: {degraded.Reviews}{detail}.");
        s.AppendLine();
        s.AppendLine("| check | rules decided | rules accuracy | llm asked | llm decided | llm accuracy | cascade coverage | cascade accuracy |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        var rules = r.Stages.Rules.Checks.ToDictionary(c => c.Check);
        var byLlm = llm.Checks.ToDictionary(c => c.Check);
        foreach (var c in cascade.Checks.OrderBy(c => c.Accuracy).ThenBy(c => c.Check, StringComparer.Ordinal))
        {
            var (ru, ll) = (rules[c.Check], byLlm[c.Check]);
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Check} | {ru.Decided} | {Accuracy(ru)} | {ll.Pairs} | {ll.Decided} | {Accuracy(ll)} | {c.Coverage:0.000} | {Accuracy(c)} |");
        }
    }

    /// <summary>No decision has no accuracy: a dash, not a misleading 0.</summary>
    static string Accuracy(StageCheckScore c) => c.Decided == 0 ? "–" : c.Accuracy.ToString("0.000", CultureInfo.InvariantCulture);
}
