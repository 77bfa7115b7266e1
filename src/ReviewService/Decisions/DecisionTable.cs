using System.Text.Json.Serialization;
using ReviewService.Policies;

namespace ReviewService.Decisions;

/// <summary>Why the document got its decision: one line per decision rule that applied.</summary>
public sealed record DecisionReason(string Check, string Decision, string Reason);

/// <summary>
/// The document decision. <see cref="Provisional"/> while checks remain undetermined: the outcome then reflects only
/// the decided checks and may become more severe once a reviewer (or the judge) decides the rest.
/// </summary>
public sealed record ReviewDecision(
    string Outcome,
    IReadOnlyList<DecisionReason> Reasons,
    [property: JsonPropertyName("provisional")] bool Provisional,
    IReadOnlyList<string> Undetermined);

/// <summary>Applies a policy's decision table to its findings.</summary>
public static class DecisionTable
{
    public static ReviewDecision Decide(PolicyDefinition policy, IReadOnlyList<CheckFinding> findings)
    {
        var levels = policy.Decision.Levels;
        var byCheck = findings.ToDictionary(f => f.Check, StringComparer.Ordinal);
        var reasons = policy.Decision.Rules
            .Where(r => byCheck.TryGetValue(r.Check, out var f) && f.Outcome == r.Outcome)
            .Select(r => new DecisionReason(r.Check, r.Decision, r.Reason))
            .OrderByDescending(r => IndexOf(levels, r.Decision))
            .ToList();
        var outcome = reasons.Count == 0 ? levels[0] : reasons[0].Decision;
        var undetermined = findings.Where(f => !f.IsDecided).Select(f => f.Check).ToList();
        return new ReviewDecision(outcome, reasons, undetermined.Count > 0, undetermined);
    }

    static int IndexOf(IReadOnlyList<string> levels, string level)
    {
        for (var i = 0; i < levels.Count; i++)
        {
            if (levels[i] == level)
            {
                return i;
            }
        }
        return -1;
    }
}
