using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using ReviewService.Benchmarks;
using ReviewService.Rules;

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

// `-- --patterns FILE`: time candidate patterns (one a line) over the corpus, compiled as detectors are.
if (args.Length == 2 && args[0] == "--patterns")
{
    var corpus = Corpus.Load();
    foreach (var line in File.ReadAllLines(args[1]).Where(l => l.Length > 0))
    {
        var detector = line.StartsWith("cs:", StringComparison.Ordinal)
            ? new Detector(new DetectorDefinition { Name = "try", Pattern = line[3..], CaseSensitive = true })
            : new Detector(new DetectorDefinition { Name = "try", Pattern = line });
        var clock = Stopwatch.StartNew();
        var hits = corpus.Texts.Sum(t => detector.Regex.Count(t));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalMilliseconds,8:F1} ms {hits,7} hits  {line}"));
    }
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(RulesStageBenchmark).Assembly).Run(args);
