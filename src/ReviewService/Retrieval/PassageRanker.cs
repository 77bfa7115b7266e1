using System.Runtime.InteropServices;
using ReviewService.Policies;

namespace ReviewService.Retrieval;

/// <summary>
/// Ranks a document's passages for each check with BM25: the query is the check's term profile (weights from
/// <see cref="RetrievalProfile"/>), or the words of its title and question when the profile has none. Built once per policy.
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
        var weights = policy.Checks.ToDictionary(c => c.Name, c => profile?.Checks.GetValueOrDefault(c.Name)?.Terms is { Count: > 0 } terms
            ? terms
            : (IReadOnlyDictionary<string, double>)LegalTerms.Of($"{c.Title} {c.Question}").Distinct().ToDictionary(t => t, _ => 1.0));
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
            LegalTerms.Each(text.AsSpan(passages[p].Start, passages[p].Length), ref state, static (term, ref s) =>
            {
                s.Length++;
                if (s.Lookup.TryGetValue(term, out var id))
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(s.Counts, id, out _)++;
                }
            });
            lengths[p] = state.Length;
            postings[p] = [.. state.Counts.Select(kv => (kv.Key, kv.Value))];
            foreach (var (term, _) in postings[p])
            {
                documentFrequency[term]++;
            }
        }
        return new DocumentIndex(postings, lengths, documentFrequency);
    }

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
        return scores;
    }
}

/// <summary>One document's passages as the ranker reads them.</summary>
public sealed record DocumentIndex(List<(int Term, int Count)>[] Postings, int[] Lengths, int[] DocumentFrequency);
