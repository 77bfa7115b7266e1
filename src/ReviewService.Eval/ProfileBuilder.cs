using System.Security.Cryptography;
using ReviewService.Policies;
using ReviewService.Retrieval;

namespace ReviewService.Eval;

/// <summary>
/// Mines each check's retrieval profile from a labelled data set: the terms of the passages that hold a labelled clause of
/// the check's category against every other passage, weighted by their smoothed log-odds. A term must occur in the clauses
/// of at least <see cref="MinContracts"/> contracts, so the profile learns the language of clauses, not of one contract;
/// the <see cref="MaxTerms"/> terms that separate most (log-odds times the share of clause passages holding them) are kept.
/// </summary>
public static class ProfileBuilder
{
    public const int MinContracts = 3;
    public const int MaxTerms = 80;
    const double Smoothing = 0.5;

    public static RetrievalProfile Build(Policy policy, IReadOnlyList<LabelledContract> contracts, string dataset, string split, string labelsFile)
    {
        var documents = contracts.Select(c => (Contract: c, Passages: Segmenter.Split(c.Text), Spans: new ClauseSpans(c.Text))).ToList();
        var terms = documents.Select(d => d.Passages.Select(p => PassageRanker.Terms(d.Contract.Text, p).ToHashSet(StringComparer.Ordinal)).ToList()).ToList();
        var checks = new Dictionary<string, CheckProfile>(StringComparer.Ordinal);
        foreach (var check in policy.Definition.Checks.Where(c => c.CuadCategory is not null))
        {
            var (inClauses, outside, contractsWith) = (new Dictionary<string, int>(), new Dictionary<string, int>(), new Dictionary<string, int>());
            var (clausePassages, otherPassages, clauses, clauseContracts) = (0, 0, 0, 0);
            for (var d = 0; d < documents.Count; d++)
            {
                var (contract, passages, spans) = documents[d];
                var located = spans.Of(Evaluation.Label(contract, check.CuadCategory!));
                clauses += located.Count;
                clauseContracts += located.Count > 0 ? 1 : 0;
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var p = 0; p < passages.Count; p++)
                {
                    var holds = located.Any(parts => parts.Any(s => passages[p].Overlaps(s.Start, s.End)));
                    (holds ? ref clausePassages : ref otherPassages)++;
                    foreach (var term in terms[d][p])
                    {
                        Add(holds ? inClauses : outside, term);
                        if (holds && seen.Add(term))
                        {
                            Add(contractsWith, term);
                        }
                    }
                }
            }
            if (clausePassages == 0)
            {
                continue;
            }
            var weights = inClauses
                .Where(t => contractsWith[t.Key] >= MinContracts)
                .Select(t => (Term: t.Key, Weight: Math.Log((t.Value + Smoothing) / (clausePassages + 2 * Smoothing))
                    - Math.Log((outside.GetValueOrDefault(t.Key) + Smoothing) / (otherPassages + 2 * Smoothing)), Share: (double)t.Value / clausePassages))
                .Where(t => t.Weight > 0)
                .OrderByDescending(t => t.Weight * t.Share).ThenBy(t => t.Term, StringComparer.Ordinal)
                .Take(MaxTerms)
                .ToDictionary(t => t.Term, t => Math.Round(t.Weight, 3), StringComparer.Ordinal);
            checks[check.Name] = new CheckProfile(clauses, clauseContracts, weights);
        }
        return new RetrievalProfile
        {
            Description = $"Term profiles of the checks of '{policy.Name}', mined by the evaluation command with --out <policy folder> (ProfileBuilder: terms in the clauses of at least {MinContracts} contracts, the {MaxTerms} that separate most, smoothed log-odds). Rebuild rather than edit.",
            Source = new ProfileSource(dataset, split, contracts.Count, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(labelsFile))), DateOnly.FromDateTime(DateTime.UtcNow)),
            Checks = checks,
        };
    }

    static void Add(Dictionary<string, int> counts, string term) => counts[term] = counts.GetValueOrDefault(term) + 1;
}
