using ReviewService.Decisions;
using ReviewService.Policies;

namespace ReviewService.Rules;

/// <summary>
/// The rules stage: runs a policy's rules over a document's detector hits and turns the rules that fired into one
/// finding per check. For each check the first rule in file order that fires decides, and the check's later rules are
/// not run (their detectors are not scanned for it); when none fires, the check is undetermined and carries its
/// candidate passages for the judge and the reviewer.
/// </summary>
public static class RulesEvaluator
{
    /// <summary>The name rule expressions use for the document: <c>doc.Has("detector")</c>.</summary>
    public const string Parameter = "doc";
    const int MaxEvidence = 3;
    const int MaxCandidates = 6;

    /// <summary>The findings of <paramref name="policy"/> on <paramref name="text"/>, its detectors spending at most <paramref name="budget"/> (<see cref="ScanBudget.For"/> its length when null).</summary>
    public static Task<IReadOnlyList<CheckFinding>> EvaluateAsync(Policy policy, string text, ScanBudget? budget = null)
    {
        using var hits = new DetectorHits(text, policy.Detectors, budget);
        var deciding = new Dictionary<string, CompiledRule>(StringComparer.Ordinal);
        foreach (var rule in policy.InOrder)
        {
            if (!deciding.ContainsKey(rule.Check) && rule.Holds(hits))
            {
                deciding[rule.Check] = rule;
            }
        }
        var timedOut = hits.TimedOutDetectors.ToHashSet(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyList<CheckFinding>>(
            [.. policy.Definition.Checks.Select(check => Finding(policy, check, deciding.GetValueOrDefault(check.Name), hits, timedOut, text))]);
    }

    static CheckFinding Finding(Policy policy, CheckDefinition check, CompiledRule? deciding, DetectorHits hits, HashSet<string> timedOut, string text)
    {
        IReadOnlyList<string> ruleIds = deciding is null ? [] : [deciding.Name];
        var value = ValueOf(check, hits);
        var readDetectors = policy.DetectorsByCheck[check.Name];

        // A detector stopped by the scan budget saw only part of the text: nothing it fed can be trusted as decided.
        if (deciding is not null && deciding.Outcome != Outcome.Undetermined && !deciding.Detectors.Any(timedOut.Contains))
        {
            var evidence = deciding.Outcome == Outcome.Present ? Examples(deciding.EvidenceDetectors, hits, text, MaxEvidence) : [];
            return new CheckFinding(check.Name, deciding.Outcome, DecidedBy.Rules, deciding.Confidence, evidence, ruleIds, [], value);
        }

        // The check's own candidate detectors first; when none matches, the passages its rules read (a word that kept an
        // "absent" rule from firing), so the judge and the reviewer always see why the rules could not decide.
        var candidates = Examples(check.Candidates ?? readDetectors, hits, text, MaxCandidates);
        if (candidates.Count == 0 && check.Candidates is not null)
        {
            candidates = Examples(readDetectors, hits, text, MaxCandidates);
        }
        var note = readDetectors.Any(timedOut.Contains)
            ? "The rules stage used up its matching budget on this document before this check's detectors finished; the rules could not decide."
            : deciding is null ? "No rule decided this check." : $"Rule '{deciding.Name}' marks this check as ambiguous.";
        return new CheckFinding(check.Name, Outcome.Undetermined, null, 0, [], ruleIds, candidates, value, note);
    }

    // The value detector's value, else the fallback's, normalised (a capture that names nothing, "State" before a character
    // OCR put in front of the name, is no value): of each, the first in a clause the check's valueClause detector matches
    // in, else the first (CheckDefinition.ValueClause).
    static string? ValueOf(CheckDefinition check, DetectorHits hits)
    {
        foreach (var detector in new[] { check.ValueDetector, check.ValueFallback }.OfType<string>())
        {
            var values = hits.Values(detector).Select(v => (v.Span, Value: ValueNormalizer.Normalize(check.ValueKind, v.Value))).Where(v => v.Value is not null);
            if (check.ValueClause is { } marking
                && values.FirstOrDefault(v => ClauseAround(hits.Text, v.Span.Start, v.Span.End) is var (from, to) && hits.AnyWithin(marking, from, to)).Value is { } stated)
            {
                return stated;
            }
            if (values.FirstOrDefault().Value is { } first)
            {
                return first;
            }
        }
        return null;
    }

    /// <summary>How far a clause reaches around a match: to the nearest full stop or semicolon before it and after it, at most this far.</summary>
    const int ClauseReach = 300;

    // The clause around a match, in the text the detectors read (a full stop in a blanked footer cuts nothing): from just
    // after the nearest full stop or semicolon before it to the nearest after it (the clause of a detector context,
    // DetectorContext.EndsAt), within ClauseReach characters either side.
    static (int From, int To) ClauseAround(string text, int start, int end)
    {
        var reach = Math.Max(0, start - ClauseReach);
        var before = text.AsSpan(reach, start - reach).LastIndexOfAny('.', ';');
        var after = text.AsSpan(end, Math.Min(text.Length - end, ClauseReach)).IndexOfAny('.', ';');
        return (before < 0 ? reach : reach + before + 1, after < 0 ? Math.Min(text.Length, end + ClauseReach) : end + after);
    }

    // Up to max matches that do not overlap from the detectors' examples, the detectors in the order given, each read only as
    // far as needed (DetectorHits.Examples); in text order, only the spans kept copied out of the text. The retrieval stage
    // turns candidates into passages, and Clauses evidence into clauses.
    static List<Evidence> Examples(IEnumerable<string> detectors, DetectorHits hits, string text, int max)
    {
        var kept = new List<(string Detector, (int Start, int End) Span)>();
        foreach (var (detector, span) in detectors.SelectMany(d => hits.Examples(d).Select(span => (d, span))))
        {
            if (kept.Count == max)
            {
                break;
            }
            if (!kept.Any(k => k.Span.Start < span.End && span.Start < k.Span.End))
            {
                kept.Add((detector, span));
            }
        }
        return [.. kept.OrderBy(x => x.Span.Start).Select(x => new Evidence(x.Span.Start, x.Span.End, text[x.Span.Start..x.Span.End], x.Detector))];
    }
}
