using Microsoft.Extensions.Options;
using ReviewService.Decisions;
using ReviewService.Judge;
using ReviewService.Policies;
using ReviewService.Retrieval;

namespace ReviewService.Eval;

/// <summary>
/// How well the retrieval stage serves the judge. <c>judgeRecall</c>: of the pairs the rules leave undetermined whose labelled
/// clause is in the text, the share for which at least half of one labelled clause lies inside the passages sent for the
/// review (the judge reads them all in its one call); <c>ownPassagesRecall</c> counts only the passages listed for the check
/// itself. Shares are of the document's tokens, per review that sends anything; the cost compares what was sent with a
/// judge reading the whole document for every check.
/// </summary>
public sealed record RetrievalReport(
    double JudgeRecall, double OwnPassagesRecall, int Pairs, int Recalled, int UnlocatedClauses,
    double PassageShareOfDocumentTokens, double PassageShareOfDocumentCharacters, int ReviewsSendingPassages, bool WholeDocumentMode,
    LlmCost LlmCost, IReadOnlyList<CheckRecall> Checks);

public sealed record CheckRecall(string Check, int Pairs, int Recalled, double Recall, int OwnRecalled, double OwnRecall);

/// <summary>Prompt tokens summed over the data set: every check of every document judged on the whole document, against what the cascade sends.</summary>
public sealed record LlmCost(long AllChecksWholeDocumentTokens, long SentTokens, double AvoidedShare, string Encoding);

/// <summary>Collects the retrieval figures contract by contract.</summary>
public sealed class RetrievalScorer(Policy policy, PassageRetriever retriever, TokenCounter tokens, JudgePrompt prompt)
{
    readonly List<(string Check, bool Recalled, bool Own)> _pairs = [];
    readonly List<(double Tokens, double Characters)> _shares = [];
    int _unlocated;
    long _everything;
    long _sent;
    bool _whole;

    /// <summary>The service's retrieval stage with these settings (the defaults when none), for the evaluation command and the tests.</summary>
    public static (PassageRetriever Retriever, TokenCounter Tokens, JudgePrompt Prompt) Default(LlmOptions? llm = null, RetrievalOptions? options = null)
    {
        llm ??= new LlmOptions();
        var tokens = new TokenCounter(llm.Model, llm.Encoding);
        var prompt = JudgePrompt.Load(Path.Combine(AppContext.BaseDirectory, llm.PromptFile));
        return (new PassageRetriever(Options.Create(llm), Options.Create(options ?? new RetrievalOptions()), tokens, prompt), tokens, prompt);
    }

    /// <summary>Runs retrieval on one contract's rule findings and scores it; returns the findings with their passages.</summary>
    public RetrievalResult Add(LabelledContract contract, IReadOnlyList<CheckFinding> findings)
    {
        var retrieved = retriever.Retrieve(policy, contract.Text, findings);
        _whole |= retrieved.WholeDocument;
        var documentTokens = tokens.Count(contract.Text);
        var scored = policy.Definition.Checks.Where(c => c.CuadCategory is not null).Select(c => c.Name).ToList();
        _everything += prompt.OverheadTokens(policy, scored, tokens) + documentTokens;
        var undetermined = retrieved.Findings.Where(f => !f.IsDecided && f.Candidates.Count > 0).ToList();
        if (undetermined.Count > 0)
        {
            var sentPassages = undetermined.SelectMany(f => f.Candidates).DistinctBy(c => (c.Start, c.End)).ToList();
            var passageTokens = sentPassages.Sum(p => tokens.Count(p.Text) + JudgePrompt.PassageOverheadTokens);
            _sent += prompt.OverheadTokens(policy, undetermined.Select(f => f.Check), tokens) + passageTokens;
            _shares.Add(((double)passageTokens / Math.Max(1, documentTokens), (double)sentPassages.Sum(p => p.End - p.Start) / contract.Text.Length));
        }

        var all = undetermined.SelectMany(f => f.Candidates).Select(c => (c.Start, c.End)).ToList();
        var spans = new ClauseSpans(contract.Text);
        foreach (var finding in retrieved.Findings.Where(f => !f.IsDecided))
        {
            var check = policy.Checks[finding.Check];
            if (check.CuadCategory is null || Evaluation.Label(contract, check.CuadCategory) is not { IsPresent: true } label)
            {
                continue;
            }
            var clauses = spans.Of(label);
            if (clauses.Count == 0)
            {
                _unlocated++;
                continue;
            }
            _pairs.Add((check.Name, ClauseSpans.Covered(clauses, all), ClauseSpans.Covered(clauses, finding.Candidates.Select(c => (c.Start, c.End)))));
        }
        return retrieved;
    }

    public RetrievalReport Report()
    {
        var checks = _pairs.GroupBy(p => p.Check).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CheckRecall(g.Key, g.Count(), g.Count(p => p.Recalled), Ratio(g.Count(p => p.Recalled), g.Count()),
                g.Count(p => p.Own), Ratio(g.Count(p => p.Own), g.Count())))
            .OrderBy(c => c.Recall).ToList();
        var recalled = _pairs.Count(p => p.Recalled);
        return new RetrievalReport(Ratio(recalled, _pairs.Count), Ratio(_pairs.Count(p => p.Own), _pairs.Count), _pairs.Count, recalled, _unlocated,
            Math.Round(_shares.Count == 0 ? 0 : _shares.Average(s => s.Tokens), 4), Math.Round(_shares.Count == 0 ? 0 : _shares.Average(s => s.Characters), 4),
            _shares.Count, _whole, new LlmCost(_everything, _sent, Math.Round(1 - (double)_sent / Math.Max(1, _everything), 4), tokens.Encoding), checks);
    }

    static double Ratio(int part, int whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);
}
