using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ReviewService.Rules;

namespace ReviewService.Benchmarks;

/// <summary>The rules stage over the whole cuad-dev set, text in memory, on one thread.</summary>
[SimpleJob(warmupCount: 2, iterationCount: 5)]
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class RulesStageBenchmark
{
    Corpus _corpus = null!;

    [GlobalSetup]
    public void Setup() => _corpus = Corpus.Load();

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
