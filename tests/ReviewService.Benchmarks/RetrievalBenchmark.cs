using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using ReviewService.Decisions;
using ReviewService.Judge;
using ReviewService.Retrieval;
using ReviewService.Rules;

namespace ReviewService.Benchmarks;

/// <summary>
/// What the retrieval stage adds to a review of a ~50 KB contract: segmenting, indexing, ranking every undetermined check
/// and choosing within the budget (token counts included), after the rules stage has run. The contract is the cuad-dev
/// text closest to 50,000 characters; its rule findings are computed once in the setup.
/// </summary>
[SimpleJob(warmupCount: 10, iterationCount: 15)]
[MemoryDiagnoser]
public class RetrievalBenchmark
{
    Corpus _corpus = null!;
    string _text = null!;
    IReadOnlyList<CheckFinding> _findings = null!;
    PassageRetriever _retriever = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _corpus = Corpus.Load();
        _text = _corpus.Texts.OrderBy(t => Math.Abs(t.Length - 50_000)).First();
        _findings = await RulesEvaluator.EvaluateAsync(_corpus.Policy, _text);
        var prompt = JudgePrompt.Load(Path.Combine(AppContext.BaseDirectory, "prompts", "judge.prompt.txt"));
        _retriever = new PassageRetriever(Options.Create(new LlmOptions()), Options.Create(new RetrievalOptions()), new TokenCounter(model: null), prompt);
        Console.WriteLine($"// retrieval benchmark contract: {_text.Length:N0} characters, {_findings.Count(f => !f.IsDecided)} undetermined checks");
    }

    [Benchmark(Description = "PassageRetriever.Retrieve, one ~50 KB contract")]
    public int Retrieve() => _retriever.Retrieve(_corpus.Policy, _text, _findings).Passages;

    [Benchmark(Description = "Clauses of the evidence, then retrieval, each segmenting the text")]
    public int SegmentedTwice() => _retriever.Retrieve(_corpus.Policy, _text, Clauses.Widen(_text, _findings)).Passages;

    [Benchmark(Description = "Clauses of the evidence, then retrieval, sharing one segmentation")]
    public int SegmentedOnce()
    {
        var text = new SegmentedText(_text);
        return _retriever.Retrieve(_corpus.Policy, text, Clauses.Widen(text, _findings)).Passages;
    }

    [Benchmark(Description = "RulesEvaluator.EvaluateAsync, the same contract (reference)")]
    public async Task<int> Rules() => (await RulesEvaluator.EvaluateAsync(_corpus.Policy, _text)).Count;
}
