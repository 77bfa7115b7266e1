using System.Runtime.InteropServices;
using ReviewService.Policies;

namespace ReviewService.Retrieval;

/// <summary>
/// Ranks a document's passages for each check with BM25 over the passage and its section heading: the query is the
/// check's term profile (weights from <see cref="RetrievalProfile"/>) with the words of its title and question; a passage
/// also gains a share of its better neighbour's score. Built once per policy.
/// </summary>
public sealed class PassageRanker
{
    readonly Dictionary<string, int> _vocabulary = new(StringComparer.Ordinal);
    readonly Dictionary<string, double[]> _queries = new(StringComparer.Ordinal);
    readonly double _k1;
    readonly double _b;

    public PassageRanker(PolicyDefinition policy, RetrievalProfile? profile)
    {
        _k1 = profile?.K1 ?? 1.2;
        _b = profile?.B ?? 0.75;
        var weights = policy.Checks.ToDictionary(c => c.Name, c => Query(c, profile?.Checks.GetValueOrDefault(c.Name)?.Terms));
        foreach (var term in weights.Values.SelectMany(w => w.Keys))
        {
            _vocabulary.TryAdd(term, _vocabulary.Count);
        }
        foreach (var (check, terms) in weights)
        {
            var query = new double[_vocabulary.Count];
            foreach (var (term, weight) in terms)
            {
                query[_vocabulary[term]] = weight;
            }
            _queries[check] = query;
        }
    }

    // Both chosen by cross-validation within half A of cuad-dev (eval-data/reports/cuad-dev.notes.md, "Retrieval").
    /// <summary>The weight of a word of the check's title or question that its profile lacks or weighs less.</summary>
    public const double QuestionWeight = 1.5;
    /// <summary>A passage gains this share of its better neighbour's score: clauses run over passage boundaries.</summary>
    public const double NeighbourWeight = 0.4;

    static Dictionary<string, double> Query(CheckDefinition check, IReadOnlyDictionary<string, double>? profile)
    {
        var query = profile?.ToDictionary() ?? [];
        foreach (var word in LegalTerms.Of($"{check.Title} {check.Question}"))
        {
            query[word] = Math.Max(query.GetValueOrDefault(word), QuestionWeight);
        }
        return query.Where(q => q.Value > 0).ToDictionary();
    }

    /// <summary>Indexes one document's passages: each passage's length in terms and the query terms it holds.</summary>
    public DocumentIndex Index(string text, IReadOnlyList<Passage> passages)
    {
        var lookup = _vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        var postings = new List<(int Term, int Count)>[passages.Count];
        var lengths = new int[passages.Count];
        var documentFrequency = new int[_vocabulary.Count];
        var state = (Lookup: lookup, Counts: new Dictionary<int, int>(), Length: 0);
        for (var p = 0; p < passages.Count; p++)
        {
            state.Counts.Clear();
            state.Length = 0;
            foreach (var span in Spans(passages[p]))
            {
                LegalTerms.Each(text.AsSpan(span.Start, span.End - span.Start), ref state, static (term, ref s) =>
                {
                    s.Length++;
                    if (s.Lookup.TryGetValue(term, out var id))
                    {
                        CollectionsMarshal.GetValueRefOrAddDefault(s.Counts, id, out _)++;
                    }
                });
            }
            lengths[p] = state.Length;
            postings[p] = [.. state.Counts.Select(kv => (kv.Key, kv.Value))];
            foreach (var (term, _) in postings[p])
            {
                documentFrequency[term]++;
            }
        }
        return new DocumentIndex(postings, lengths, documentFrequency);
    }

    /// <summary>The terms a passage is ranked by: its own, and those of its section's heading when the heading is not inside it.</summary>
    public static List<string> Terms(string text, Passage passage) =>
        [.. Spans(passage).SelectMany(s => LegalTerms.Of(text[s.Start..s.End]))];

    static IEnumerable<(int Start, int End)> Spans(Passage p) =>
        p.HeadingEnd > p.HeadingStart && p.HeadingStart < p.Start ? [(p.HeadingStart, p.HeadingEnd), (p.Start, p.End)] : [(p.Start, p.End)];

    /// <summary>BM25 score of every passage for <paramref name="check"/>, in passage order.</summary>
    public double[] Scores(DocumentIndex index, string check)
    {
        var query = _queries[check];
        var n = index.Lengths.Length;
        var average = Math.Max(1.0, index.Lengths.Average());
        var scores = new double[n];
        for (var p = 0; p < n; p++)
        {
            var norm = _k1 * (1 - _b + _b * index.Lengths[p] / average);
            var score = 0.0;
            foreach (var (term, count) in index.Postings[p])
            {
                if (query[term] is var weight and > 0)
                {
                    var df = index.DocumentFrequency[term];
                    score += weight * Math.Log(1 + (n - df + 0.5) / (df + 0.5)) * count * (_k1 + 1) / (count + norm);
                }
            }
            scores[p] = score;
        }
        var own = (double[])scores.Clone();
        for (var p = 0; p < n; p++)
        {
            scores[p] += NeighbourWeight * Math.Max(p > 0 ? own[p - 1] : 0, p + 1 < n ? own[p + 1] : 0);
        }
        return scores;
    }
}

/// <summary>One document's passages as the ranker reads them.</summary>
public sealed record DocumentIndex(List<(int Term, int Count)>[] Postings, int[] Lengths, int[] DocumentFrequency);
