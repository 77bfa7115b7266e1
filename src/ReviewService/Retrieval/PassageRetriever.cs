using System.Text;
using Microsoft.Extensions.Options;
using ReviewService.Decisions;
using ReviewService.Judge;
using ReviewService.Policies;

namespace ReviewService.Retrieval;

/// <summary>What the retrieval stage chose for one review: the findings with their candidate passages, and what they cost.</summary>
public sealed record RetrievalResult(IReadOnlyList<CheckFinding> Findings, int Passages, int PassageCharacters, bool WholeDocument);

/// <summary>
/// The stage between the rules and the judge: for every check the rules left undetermined, the passages the judge reads
/// (or would read when no judge is configured) and the reviewer sees as its candidates. Passages are ranked per check
/// (<see cref="PassageRanker"/>, with the rules' detector passages raised), then taken round by round, one per check per
/// round, most severe checks first, until the review's token budget (<see cref="LlmOptions.MaxPromptTokens"/> less the
/// prompt's template and check headers) or, after the first round, its share of the document's characters
/// (<see cref="RetrievalOptions.MaxDocumentShare"/>) is spent. A passage two checks need is sent once and listed for both.
/// </summary>
public sealed class PassageRetriever(IOptions<LlmOptions> llm, IOptions<RetrievalOptions> options, TokenCounter tokens, JudgePrompt prompt)
{
    public RetrievalResult Retrieve(Policy policy, SegmentedText segmented, IReadOnlyList<CheckFinding> findings)
    {
        var text = segmented.Text;
        var undetermined = findings.Where(f => !f.IsDecided)
            .OrderByDescending(f => Severity.Rank(policy.Checks[f.Check].Severity)).ToList();
        if (undetermined.Count == 0)
        {
            return new RetrievalResult(findings, 0, 0, false);
        }
        if (llm.Value.WholeDocumentMaxTokens > 0 && tokens.Count(text) is var all && all <= llm.Value.WholeDocumentMaxTokens)
        {
            var whole = new Evidence(0, text.Length, text, "whole-document");
            return new RetrievalResult([.. findings.Select(f => f.IsDecided ? f : f with { Candidates = [whole] })], 1, text.Length, true);
        }

        var passages = segmented.Passages;
        var index = policy.Ranker.Index(text, passages);
        var ranked = undetermined.ToDictionary(f => f.Check, f => Ranked(policy, index, passages, f));
        var budget = llm.Value.MaxPromptTokens - prompt.OverheadTokens(policy, undetermined.Select(f => f.Check), tokens);
        var characters = (int)(options.Value.MaxDocumentShare * text.Length);
        var chosen = new Dictionary<int, string>();
        var lists = undetermined.ToDictionary(f => f.Check, _ => new List<int>());
        var full = new HashSet<string>(StringComparer.Ordinal);
        var (used, usedCharacters, counted) = (0, 0, false);
        foreach (var (check, round, p) in Picks(undetermined, ranked))
        {
            if (full.Contains(check))
            {
                continue;
            }
            if (!chosen.ContainsKey(p))
            {
                var span = text.AsSpan(passages[p].Start, passages[p].Length);
                // A token is at least one UTF-8 byte, so while the passages' bytes fit the budget their tokens do: the
                // tokenizer runs only once the budget could be reached, and then on what is chosen (the same choice as counting all).
                var cost = (counted ? tokens.Count(span) : Encoding.UTF8.GetByteCount(span)) + JudgePrompt.PassageOverheadTokens;
                if (!counted && used + cost > budget)
                {
                    (counted, used) = (true, chosen.Values.Sum(c => tokens.Count(c) + JudgePrompt.PassageOverheadTokens));
                    cost = tokens.Count(span) + JudgePrompt.PassageOverheadTokens;
                }
                // Every check gets its best passage before the document share counts: a short contract is not left unread.
                if (used + cost > budget || (round > 0 && usedCharacters + passages[p].Length > characters))
                {
                    full.Add(check);
                    continue;
                }
                (used, usedCharacters) = (used + cost, usedCharacters + passages[p].Length);
                chosen[p] = text[passages[p].Start..passages[p].End];
            }
            lists[check].Add(p);
        }
        // Each check's passage names the check's own detector that matched in it, if any (null: found by its terms alone).
        Evidence Candidate(string check, int p) => new(passages[p].Start, passages[p].End, chosen[p], ranked[check].Detectors.GetValueOrDefault(p));
        return new RetrievalResult(
            [.. findings.Select(f => lists.TryGetValue(f.Check, out var list) ? f with { Candidates = [.. list.Select(p => Candidate(f.Check, p))] } : f)],
            chosen.Count, usedCharacters, false);
    }

    /// <summary>The order in which passages are offered: round by round, one per check per round, most severe checks first.</summary>
    IEnumerable<(string Check, int Round, int Passage)> Picks(List<CheckFinding> undetermined, Dictionary<string, (List<int> Order, Dictionary<int, string?> Detectors)> ranked) =>
        undetermined.SelectMany((f, severity) => ranked[f.Check].Order.Take(options.Value.MaxPassagesPerCheck).Select((p, round) => (f.Check, Round: round, Passage: p, Severity: severity)))
            .OrderBy(x => x.Round).ThenBy(x => x.Severity).Select(x => (x.Check, x.Round, x.Passage));

    /// <summary>The check's passages that any query term or detector match points to, best first, and which detector matched where.</summary>
    (List<int> Order, Dictionary<int, string?> Detectors) Ranked(Policy policy, DocumentIndex index, IReadOnlyList<Passage> passages, CheckFinding finding)
    {
        var scores = policy.Ranker.Scores(index, finding.Check);
        var top = scores.Length == 0 ? 0 : scores.Max();
        var detectors = new Dictionary<int, string?>();
        foreach (var candidate in finding.Candidates)
        {
            for (var p = 0; p < passages.Count; p++)
            {
                if (passages[p].Overlaps(candidate.Start, candidate.End))
                {
                    detectors.TryAdd(p, candidate.Detector);
                }
            }
        }
        // The rules' own detector passages (the matches that kept the check undetermined) are raised: their own score by the
        // boost, plus the boost's share of the best score split among them (a detector matching everywhere says little about each).
        var boost = options.Value.DetectorBoost;
        foreach (var p in detectors.Keys)
        {
            scores[p] = scores[p] * (1 + boost) + boost * Math.Max(top, 1) / detectors.Count;
        }
        var best = scores.Length == 0 ? 0 : scores.Max();
        var floor = Math.Max(double.Epsilon, options.Value.MinRelativeScore * best);
        var order = Enumerable.Range(0, scores.Length).Where(p => scores[p] >= floor).OrderByDescending(p => scores[p]).ThenBy(p => p).ToList();
        return (order, detectors);
    }
}

/// <summary>The <c>Retrieval</c> section.</summary>
public sealed class RetrievalOptions
{
    public const string Section = "Retrieval";

    /// <summary>At most this share of a document's characters is sent per review (the token budget applies as well).</summary>
    public double MaxDocumentShare { get; set; } = 0.4;
    /// <summary>At most this many passages per check.</summary>
    public int MaxPassagesPerCheck { get; set; } = 16;
    /// <summary>A passage scoring under this share of the check's best passage is not sent for it: budget goes to checks still unsure.</summary>
    public double MinRelativeScore { get; set; } = 0.3;
    /// <summary>A passage holding a match of the check's detectors gains this share of its own score, and this share of the best
    /// passage's score divided by the number of such passages.</summary>
    public double DetectorBoost { get; set; } = 0.5;
}
