using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using ReviewService.Benchmarks;
using ReviewService.Rules;

// `-- --passes`: ten passes of the rules stage over the corpus, each timed with what it allocated: for an A/B of two builds
// run alternately (the first pass compiles the patterns), or a profiler attached to a steady loop.
if (args.Contains("--passes"))
{
    var corpus = Corpus.Load();
    for (var i = 0; i < 10; i++)
    {
        var (clock, bytes) = (Stopwatch.StartNew(), GC.GetTotalAllocatedBytes(true));
        foreach (var text in corpus.Texts)
        {
            await RulesEvaluator.EvaluateAsync(corpus.Policy, text);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pass {clock.Elapsed.TotalMilliseconds:F0} ms, {(GC.GetTotalAllocatedBytes(true) - bytes) / 1e6:F0} MB"));
    }
    return;
}

// `-- --detectors`: a quick profile, the time each detector takes over the corpus (slowest first).
if (args.Contains("--detectors"))
{
    var corpus = Corpus.Load();
    var rows = new List<(string Name, double Ms, double FirstMs)>();
    foreach (var detector in corpus.Policy.Detectors.Values)
    {
        var clock = Stopwatch.StartNew();
        foreach (var text in corpus.Texts)
        {
            _ = new DetectorHits(text, corpus.Policy.Detectors).Count(detector.Name);
        }
        var all = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        foreach (var text in corpus.Texts)
        {
            _ = new DetectorHits(text, corpus.Policy.Detectors).Has(detector.Name);
        }
        rows.Add((detector.Name, all, clock.Elapsed.TotalMilliseconds));
    }
    Console.WriteLine("  all matches          first match only");
    foreach (var (name, ms, first) in rows.OrderByDescending(r => r.FirstMs))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ms,9:F1} ms {corpus.Bytes / 1e3 / ms,6:F0} MB/s {first,9:F1} ms  {name}"));
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total {rows.Sum(r => r.Ms):F1} ms (first match only: {rows.Sum(r => r.FirstMs):F1} ms) for {corpus.Bytes / 1e6:F1} MB"));
    var whole = Stopwatch.StartNew();
    for (var i = 0; i < 3; i++)
    {
        foreach (var text in corpus.Texts)
        {
            await RulesEvaluator.EvaluateAsync(corpus.Policy, text);
        }
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"EvaluateAsync: {corpus.Bytes / 1e6 / (whole.Elapsed.TotalSeconds / 3):F1} MB/s"));
    var empty = Stopwatch.StartNew();
    foreach (var _ in corpus.Texts)
    {
        await RulesEvaluator.EvaluateAsync(corpus.Policy, "");
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"EvaluateAsync on empty texts (fixed overhead): {empty.Elapsed.TotalMilliseconds:F1} ms for {corpus.Texts.Count} documents"));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(RulesStageBenchmark).Assembly).Run(args);
