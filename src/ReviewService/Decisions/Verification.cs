using ReviewService.Policies;

namespace ReviewService.Decisions;

/// <summary>
/// A rules decision held for verification: the rule's answer, how often the rule was measured right (<see cref="Confidence"/>,
/// from <see cref="Decided"/> labelled pairs of which <see cref="Correct"/> were right; both null when the calibration does not
/// list the rule) and the policy's <see cref="Target"/> it fell short of, with the clause it rests on.
/// </summary>
public sealed record Proposal(string Rule, Outcome Outcome, double Confidence, double Target, int? Decided, int? Correct, IReadOnlyList<Evidence> Evidence);

/// <summary>
/// Between the rules and retrieval: a rules decision whose calibrated confidence is under the policy's target accuracy for
/// its check's severity is not final. The finding becomes undetermined and carries the rule's answer as a
/// <see cref="Proposal"/>, its clause as the first candidate passage. The judge then answers the check's question on that
/// clause and the retrieved passages, in the review's one call, without being told the rule's answer (so it cannot simply
/// agree); an accepted answer that agrees makes the decision final, one that disagrees goes to a reviewer. Without a judge,
/// or when the judge cannot settle it, the check goes to a reviewer as <c>low-confidence</c> with the rule's answer as the suggestion.
/// </summary>
public static class Verification
{
    public static IReadOnlyList<CheckFinding> Hold(Policy policy, IReadOnlyList<CheckFinding> findings)
    {
        if (policy.Definition.TargetAccuracy is not { } target)
        {
            return findings;
        }
        return [.. findings.Select(f => f.DecidedBy == DecidedBy.Rules && target.For(policy.Checks[f.Check].Severity) is var least
            && f.Confidence < least ? Held(policy, f, least) : f)];
    }

    static CheckFinding Held(Policy policy, CheckFinding finding, double target)
    {
        var rule = finding.RuleIds[0];
        var measured = policy.Calibration?.Rules.GetValueOrDefault(rule);
        var proposal = new Proposal(rule, finding.Outcome, finding.Confidence, target, measured?.Decided, measured?.Correct, finding.Evidence);
        return finding with
        {
            Outcome = Outcome.Undetermined,
            DecidedBy = null,
            Confidence = 0,
            Evidence = [],
            Candidates = [.. finding.Evidence, .. finding.Candidates],
            Proposal = proposal,
            Note = $"Rule '{rule}' answered {finding.Outcome.ToWire()}, but it is measured right {finding.Confidence:0.###} of the time"
                + (measured is null ? "" : $" ({measured.Correct} of {measured.Decided} labelled contracts)")
                + $", under the policy's target accuracy of {target:0.###}: the answer needs verifying.",
        };
    }

    /// <summary>The note of a held decision the judge confirmed: the rule, its measured precision, and the judge's own rationale.</summary>
    public static string Confirmed(Proposal proposal, string rationale) =>
        $"Rule '{proposal.Rule}' (measured right {proposal.Confidence:0.###} of the time) answered {proposal.Outcome.ToWire()}; the judge, reading the clause on its own, agreed: {rationale}";
}
