using RulesEngine.Models;
using ReviewService.Policies;

namespace ReviewService.Rules;

/// <summary>
/// The rules stage: runs a policy's RulesEngine workflows over a document's detector hits and turns the rules that
/// fired into one finding per check. For each check the first rule in file order that fires decides; when none
/// fires, the check is undetermined and carries its candidate passages for the judge and the reviewer.
/// </summary>
public static class RulesEvaluator
{
    /// <summary>The name rule expressions use for the document: <c>doc.Has("detector")</c>.</summary>
    public const string Parameter = "doc";
    const int MaxEvidence = 3;
    const int MaxCandidates = 6;

    public static async Task<IReadOnlyList<CheckFinding>> EvaluateAsync(Policy policy, string text)
    {
        var hits = new DetectorHits(text, policy.Detectors);
        var fired = new List<CompiledRule>();
        foreach (var workflow in policy.Workflows)
        {
            var results = await policy.Engine.ExecuteAllRulesAsync(workflow, new RuleParameter(Parameter, hits));
            fired.AddRange(results.Where(r => r.IsSuccess).Select(r => policy.Rules[r.Rule.RuleName]));
        }
        var timedOut = hits.TimedOutDetectors.ToHashSet(StringComparer.Ordinal);
        var byCheck = fired.ToLookup(r => r.Check);
        return [.. policy.Definition.Checks.Select(check => Finding(policy, check, [.. byCheck[check.Name].OrderBy(r => r.Order)], hits, timedOut, text))];
    }

    static CheckFinding Finding(Policy policy, CheckDefinition check, List<CompiledRule> fired, DetectorHits hits, HashSet<string> timedOut, string text)
    {
        var ruleIds = fired.Select(r => r.Name).ToList();
        var deciding = fired.Count > 0 ? fired[0] : null;
        var value = check.ValueDetector is { } v ? ValueNormalizer.Normalize(check.ValueKind, hits.FirstValue(v)) : null;
        var readDetectors = policy.DetectorsByCheck[check.Name];

        // A detector that hit its time limit saw only part of the text: nothing it fed can be trusted as decided.
        if (deciding is not null && deciding.Outcome != Outcome.Undetermined && !deciding.Detectors.Any(timedOut.Contains))
        {
            var evidence = deciding.Outcome == Outcome.Present
                ? deciding.EvidenceDetectors.SelectMany(d => hits.Spans(d).Take(MaxEvidence)).OrderBy(s => s.Start).Take(MaxEvidence).ToList()
                : [];
            return new CheckFinding(check.Name, deciding.Outcome, DecidedBy.Rules, deciding.Confidence, evidence, ruleIds, [], value);
        }

        // The check's own candidate detectors first; when none matches, the passages its rules read (a word that kept an
        // "absent" rule from firing), so the judge and the reviewer always see why the rules could not decide.
        var candidates = Candidates(check.Candidates ?? readDetectors, hits, text);
        if (candidates.Count == 0 && check.Candidates is not null)
        {
            candidates = Candidates(readDetectors, hits, text);
        }
        var note = readDetectors.Any(timedOut.Contains)
            ? "A detector timed out on this document; the rules could not decide."
            : deciding is null ? "No rule decided this check." : $"Rule '{deciding.Name}' marks this check as ambiguous.";
        return new CheckFinding(check.Name, Outcome.Undetermined, null, 0, [], ruleIds, candidates, value, note);
    }

    // Each detector is read only up to its first few distinct passages: a passage's start never decreases with its
    // match's, so the first passages of the merged list are among them, and a frequent word costs no full scan.
    static List<Evidence> Candidates(IEnumerable<string> detectors, DetectorHits hits, string text) => detectors
        .SelectMany(d => hits.Spans(d).Select(s => Passages.Around(text, s)).DistinctBy(s => s.Start).Take(MaxCandidates))
        .OrderBy(s => s.Start)
        .DistinctBy(s => s.Start)
        .Take(MaxCandidates)
        .ToList();
}
