using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ReviewService.Rules;

namespace ReviewService.Benchmarks;

/// <summary>
/// The rules stage over the whole cuad-dev set, text in memory, on one thread, in the steady state a running service
/// reaches: tiered compilation (with dynamic PGO) takes 10 to 15 passes (3,000 to 4,000 documents) to optimise the
/// hot paths, and a pass is up to 1.7 times slower before, so the warm-up runs well past that.
/// </summary>
[SimpleJob(warmupCount: 25, iterationCount: 10)]
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class RulesStageBenchmark
{
    // A fixed .NET regex over the same texts, allocating nothing, none of this repository's code: it tells a slower CPU
    // (both lines slow down) from variance of the rules stage's own (it alone slows down).
    static readonly Regex Reference = new(@"\b(?:shall|will|may)\b[^.]{0,80}\bnot\b", RegexOptions.Compiled | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    Corpus _corpus = null!;

    [GlobalSetup]
    public void Setup() => _corpus = Corpus.Load();

    [Benchmark(Description = "host reference: one fixed regex, all cuad-dev contracts")]
    public int HostReference() => _corpus.Texts.Sum(t => Reference.Count(t));

    [Benchmark(Description = "RulesEvaluator.EvaluateAsync, all cuad-dev contracts")]
    public async Task<int> EvaluateAll()
    {
        var findings = 0;
        foreach (var text in _corpus.Texts)
        {
            findings += (await RulesEvaluator.EvaluateAsync(_corpus.Policy, text)).Count;
        }
        return findings;
    }

    sealed class ThroughputConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public ThroughputConfig() => AddColumn(new ThroughputColumn());
    }

    /// <summary>MB/s = total UTF-8 bytes of the corpus / mean time of one pass.</summary>
    sealed class ThroughputColumn : IColumn
    {
        static readonly Lazy<long> Bytes = new(() => Corpus.Load().Bytes);

        public string Id => nameof(ThroughputColumn);
        public string ColumnName => "MB/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Total UTF-8 megabytes of the contract texts divided by the mean time of one pass";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } stats)
            {
                return "NA";
            }
            var seconds = stats.Mean / 1e9;
            return (Bytes.Value / 1e6 / seconds).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
