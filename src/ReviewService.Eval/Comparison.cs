using System.Text;

namespace ReviewService.Eval;

/// <summary>A (contract, check) pair whose outcome differs between two reports, and whether it got better or worse.</summary>
public sealed record OutcomeChange(string Contract, string Check, string Before, string After, bool Truth, string? Half = null)
{
    public string Effect => (Before == "undetermined" ? 0 : IsRight(Before) ? 1 : -1) < (After == "undetermined" ? 0 : IsRight(After) ? 1 : -1)
        ? "better" : "worse";

    bool IsRight(string outcome) => (outcome == "present") == Truth;
}

public static class Comparison
{
    public static IReadOnlyList<OutcomeChange> Changes(EvalReport before, EvalReport after)
    {
        var old = before.Results.ToDictionary(r => (r.Contract, r.Check));
        return [.. after.Results
            .Where(r => old.TryGetValue((r.Contract, r.Check), out var o) && o.Outcome != r.Outcome)
            .Select(r => new OutcomeChange(r.Contract, r.Check, old[(r.Contract, r.Check)].Outcome, r.Outcome, r.Truth, r.Half))
            .OrderBy(c => c.Check, StringComparer.Ordinal).ThenBy(c => c.Contract, StringComparer.Ordinal)];
    }

    /// <summary>The changes for a person to read: each pair of the tuning half, and of the held-out half only how many got better or worse.</summary>
    public static string Describe(IReadOnlyList<OutcomeChange> changes)
    {
        var s = new StringBuilder();
        s.AppendLine($"{changes.Count} (contract, check) pairs changed outcome: {changes.Count(c => c.Effect == "better")} better, {changes.Count(c => c.Effect == "worse")} worse.");
        foreach (var c in changes.Where(c => c.Half != Dataset.HeldOutHalf))
        {
            s.AppendLine($"  {c.Effect,-6} {c.Check,-32} {c.Before,-12} -> {c.After,-12} (labelled {(c.Truth ? "present" : "absent")})  {c.Contract}");
        }
        if (changes.Where(c => c.Half == Dataset.HeldOutHalf).ToList() is { Count: > 0 } heldOut)
        {
            s.AppendLine($"  half {Dataset.HeldOutHalf} (held out): {heldOut.Count} changed, {heldOut.Count(c => c.Effect == "better")} better, {heldOut.Count(c => c.Effect == "worse")} worse; its pairs are not listed (read its aggregates only).");
        }
        return s.ToString();
    }
}
