using ReviewService.Policies;

namespace ReviewService.Eval;

/// <summary>Runs a policy over a labelled data set (the layout of CUAD: contracts/*.txt + labels.jsonl) through the
/// service's own rules code, and writes a JSON report and a Markdown summary beside it.</summary>
public static class EvalProgram
{
    public static async Task<int> Main(string[] args)
    {
        var options = EvalOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine(EvalOptions.Usage);
            return 2;
        }

        var policy = PolicyLoader.LoadAll(options.RulesDirectory).Find(options.Policy);
        if (policy is null)
        {
            Console.Error.WriteLine($"Policy '{options.Policy}' not found under {options.RulesDirectory}.");
            return 2;
        }

        var dataset = Dataset.Load(options.DataDirectory);
        var report = await Evaluation.RunAsync(policy, dataset);
        var markdownPath = Path.ChangeExtension(options.OutputPath, ".md");
        ReportWriter.Write(report, options.OutputPath, markdownPath);
        Console.WriteLine(ReportWriter.OneLine(report));
        Console.WriteLine($"Report: {options.OutputPath}; summary: {markdownPath}");

        if (options.ComparePath is not null)
        {
            var changes = Comparison.Changes(ReportWriter.Read(options.ComparePath), report);
            Console.WriteLine(Comparison.Describe(changes));
        }
        return 0;
    }
}
