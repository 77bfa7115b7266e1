namespace ReviewService.Eval;

public sealed record EvalOptions(string Policy, string DataDirectory, string OutputPath, string? ComparePath, string RulesDirectory)
{
    public const string Usage = """
        Usage: dotnet run --project src/ReviewService.Eval -c Release -- --policy <name> --data <dir> --out <report.json>
                 [--compare <old-report.json>] [--rules <rules dir>]
          --data     a folder with contracts/<id>.txt and labels.jsonl (the layout of ../shared/datasets/cuad-dev)
          --out      the JSON report; the Markdown summary is written beside it (.md)
          --compare  list the (contract, check) pairs whose outcome changed since an earlier report
          --rules    the policies folder (default: the rules/ copied beside this program)
        """;

    public static EvalOptions? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }
            values[args[i][2..]] = args[i + 1];
        }
        if (args.Length % 2 != 0 || !values.TryGetValue("policy", out var policy) || !values.TryGetValue("data", out var data)
            || !values.TryGetValue("out", out var output))
        {
            return null;
        }
        return new EvalOptions(policy, data, output, values.GetValueOrDefault("compare"),
            values.GetValueOrDefault("rules") ?? Path.Combine(AppContext.BaseDirectory, "rules"));
    }
}
