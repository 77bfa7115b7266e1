using System.Text;

namespace ReviewService.Eval;

/// <summary>A (contract, check) pair whose outcome differs between two reports, and whether it got better or worse.</summary>
public sealed record OutcomeChange(string Contract, string Check, string Before, string After, bool Truth)
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
            .Select(r => new OutcomeChange(r.Contract, r.Check, old[(r.Contract, r.Check)].Outcome, r.Outcome, r.Truth))
            .OrderBy(c => c.Check, StringComparer.Ordinal).ThenBy(c => c.Contract, StringComparer.Ordinal)];
    }

    public static string Describe(IReadOnlyList<OutcomeChange> changes)
    {
        var s = new StringBuilder();
        s.AppendLine($"{changes.Count} (contract, check) pairs changed outcome: {changes.Count(c => c.Effect == "better")} better, {changes.Count(c => c.Effect == "worse")} worse.");
        foreach (var c in changes)
        {
            s.AppendLine($"  {c.Effect,-6} {c.Check,-32} {c.Before,-12} -> {c.After,-12} (labelled {(c.Truth ? "present" : "absent")})  {c.Contract}");
        }
        return s.ToString();
    }
}
