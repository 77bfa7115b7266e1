using System.Globalization;
using ReviewService.Policies;

namespace ReviewService.Eval;

public sealed record EvalOptions(string Policy, string DataDirectory, string OutputPath, string? ComparePath, string RulesDirectory,
    bool Judge = false, int? Limit = null)
{
    /// <summary><c>even</c>, <c>odd</c> or <c>all</c> (<see cref="Dataset.Half"/>).</summary>
    public string Half { get; init; } = "all";
    /// <summary>Whole-document mode: the judge reads documents up to this many tokens whole (Llm:WholeDocumentMaxTokens).</summary>
    public int WholeDocumentTokens { get; init; }
    /// <summary>Build the retrieval profile into this policy folder instead of evaluating.</summary>
    public string? ProfileFolder { get; init; }
    /// <summary>Run the policy's own examples (<see cref="PolicyTest"/>) instead of evaluating: no data set.</summary>
    public bool Test { get; init; }
    /// <summary>Measure the rules and write <c>calibration.json</c> into the policy folder <see cref="OutputPath"/> instead of evaluating.</summary>
    public bool Calibrate { get; init; }
    /// <summary>A reviewers' export (the layout of cuad-dev) measured with the data set, all of it.</summary>
    public string? ReviewedDirectory { get; init; }
    /// <summary>The calibration's prior (<c>--prior precision:weight</c>).</summary>
    public CalibrationPrior Prior { get; init; } = new();

    public const string Usage = """
        Usage: dotnet run --project src/ReviewService.Eval -c Release -- --policy <name> --data <dir> --out <report.json>
                 [--compare <old-report.json>] [--rules <rules dir>] [--limit <n>] [--judge]
          --data     a folder with contracts/<id>.txt and labels.jsonl (the layout of ../shared/datasets/cuad-dev)
          --limit    only the first n contracts, in the data set's sorted order
          --judge    run the service's cascade (rules, retrieval, LLM judge) with the model that the Llm__* environment
                     variables configure as for the service, and score each stage (README, "Qualifying a model or a prompt")
          --out      the JSON report; the Markdown summary is written beside it (.md)
          --compare  list the (contract, check) pairs whose outcome changed since an earlier report
          --rules    the policies folder (default: the rules/ copied beside this program)
          --half     even | odd | all (default): the fixed halves of the data set (even line indexes of labels.jsonl = half A)
          --whole-document-tokens N   measure whole-document mode: documents up to N tokens are sent whole
        Test a policy against its own examples (each detector's matches/doesNotMatch, each check's texts and outcomes):
               dotnet run --project src/ReviewService.Eval -c Release -- --test --policy <name> [--rules <rules dir>]
        Measure each rule's precision and write the policy's calibration.json (the confidence its decisions carry):
               dotnet run --project src/ReviewService.Eval -c Release -- --calibrate --policy <name> --data <dir> --half even
                 --out rules/<name> [--reviewed <a reviewers' export, in the layout of cuad-dev>] [--prior 0.9:10]
          --prior    what a rule is believed before it is measured: precision:weight in decided pairs (default 0.9:10)
        Build a policy's retrieval profile (retrieval.json) from labelled clauses:
               dotnet run --project src/ReviewService.Eval -c Release -- --policy <name> --data <dir> --half even --out rules/<name>
        """;

    /// <summary>Options that take no value.</summary>
    static readonly string[] Flags = ["--judge", "--test", "--calibrate"];

    public static EvalOptions? Parse(string[] args)
    {
        // Flags are taken out first, so that the rest reads as --key value pairs.
        var flags = args.Where(Flags.Contains).ToHashSet(StringComparer.Ordinal);
        args = [.. args.Where(a => !Flags.Contains(a))];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }
            values[args[i][2..]] = args[i + 1];
        }
        int? limit = null;
        if (values.TryGetValue("limit", out var text))
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
            {
                return null;
            }
            limit = count;
        }
        var rules = values.GetValueOrDefault("rules") ?? Path.Combine(AppContext.BaseDirectory, "rules");
        if (flags.Contains("--test"))
        {
            return args.Length % 2 == 0 && values.TryGetValue("policy", out var tested) ? new EvalOptions(tested, "", "", null, rules) { Test = true } : null;
        }
        if (args.Length % 2 != 0 || !values.TryGetValue("policy", out var policy) || !values.TryGetValue("data", out var data)
            || !values.TryGetValue("out", out var output))
        {
            return null;
        }
        var whole = values.TryGetValue("whole-document-tokens", out var w) && int.TryParse(w, out var n) ? n : 0;
        return new EvalOptions(policy, data, output, values.GetValueOrDefault("compare"),
            rules, flags.Contains("--judge"), limit)
        {
            Half = values.GetValueOrDefault("half") ?? "all",
            WholeDocumentTokens = whole,
            ProfileFolder = Directory.Exists(output) && !flags.Contains("--calibrate") ? output : null,
            Calibrate = flags.Contains("--calibrate"),
            ReviewedDirectory = values.GetValueOrDefault("reviewed"),
            Prior = values.TryGetValue("prior", out var prior) && prior.Split(":") is [var p, var pw]
                && double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var precision)
                && double.TryParse(pw, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) ? new CalibrationPrior(precision, weight) : new CalibrationPrior(),
        };
    }
}
