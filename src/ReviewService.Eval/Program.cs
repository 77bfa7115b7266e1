using System.Text.Json;
using Microsoft.Extensions.Configuration;
using ReviewService.Judge;
using ReviewService.Policies;
using ReviewService.Retrieval;

namespace ReviewService.Eval;

/// <summary>Runs a policy over a labelled data set (the layout of CUAD: contracts/*.txt + labels.jsonl) through the
/// service's own rules code (with --judge, its whole cascade: rules, retrieval, LLM judge), and writes a JSON report and
/// a Markdown summary beside it.</summary>
public static class EvalProgram
{
    static readonly JsonSerializerOptions ProfileJson = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> Main(string[] args)
    {
        var options = EvalOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine(EvalOptions.Usage);
            return 2;
        }
        return await RunAsync(options);
    }

    /// <summary>
    /// The command, once parsed. With --judge the model is configured as the service's is (appsettings.json, then environment
    /// variables), or by <paramref name="llmSettings"/> alone when they are given.
    /// </summary>
    public static async Task<int> RunAsync(EvalOptions options, IEnumerable<KeyValuePair<string, string?>>? llmSettings = null)
    {
        // Calibrating measures the rules afresh: a calibration written before they changed is not read.
        var policy = PolicyLoader.LoadAll(options.RulesDirectory, calibrated: !options.Calibrate).Find(options.Policy);
        if (policy is null)
        {
            Console.Error.WriteLine($"Policy '{options.Policy}' not found under {options.RulesDirectory}.");
            return 2;
        }
        if (options.Test)
        {
            return await PolicyTest.RunAsync(policy);
        }
        // Before the data set is read: a missing or invalid model configuration stops the command at once.
        var (judge, problem) = options.Judge ? await JudgeHost.BuildAsync(llmSettings) : (null, null);
        if (problem is not null)
        {
            Console.Error.WriteLine(problem);
            return 2;
        }
        await using var host = judge;

        var dataset = Dataset.Half(Dataset.Load(options.DataDirectory), options.Half);
        dataset = options.Limit is { } limit ? [.. dataset.Take(limit)] : dataset;
        if (options.Calibrate)
        {
            return await CalibrateAsync(policy, options, dataset);
        }
        if (options.ProfileFolder is { } folder)
        {
            var profile = ProfileBuilder.Build(policy, dataset, DatasetName(options.DataDirectory),
                options.Half, Path.Combine(options.DataDirectory, "labels.jsonl"));
            var path = Path.Combine(folder, RetrievalProfile.FileName);
            File.WriteAllText(path, JsonSerializer.Serialize(profile, ProfileJson) + Environment.NewLine);
            Console.WriteLine($"Retrieval profile of {profile.Checks.Count} checks from {dataset.Count} contracts ({options.Half}): {path}");
            return 0;
        }
        // Retrieval is measured with the settings the judge runs with: the host's with --judge, else the environment's (Llm__*, Retrieval__*).
        var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var llm = host?.Options ?? environment.GetSection(LlmOptions.Section).Get<LlmOptions>() ?? new LlmOptions();
        var retrieval = host?.RetrievalOptions ?? environment.GetSection(RetrievalOptions.Section).Get<RetrievalOptions>() ?? new RetrievalOptions();
        if (options.WholeDocumentTokens > 0)
        {
            llm.WholeDocumentMaxTokens = options.WholeDocumentTokens;
        }
        var report = await Evaluation.RunAsync(policy, dataset, llm, retrieval);
        report = host is null ? report : await JudgeRun.RunAsync(report, policy, dataset, host);
        var markdownPath = Path.ChangeExtension(options.OutputPath, ".md");
        ReportWriter.Write(report, options.OutputPath, markdownPath);
        Console.WriteLine(ReportWriter.OneLine(report));
        Console.WriteLine(ReportWriter.RetrievalLine(report));
        Console.WriteLine(ReportWriter.EvidenceLine(report));
        Console.WriteLine(ReportWriter.CalibrationLine(report));
        Console.WriteLine(ReportWriter.TargetsLine(report));
        if (host is not null)
        {
            Console.WriteLine(CascadeSummary.OneLine(report));
        }
        Console.WriteLine($"Report: {options.OutputPath}; summary: {markdownPath}");

        if (options.ComparePath is not null)
        {
            var changes = Comparison.Changes(ReportWriter.Read(options.ComparePath), report);
            Console.WriteLine(Comparison.Describe(changes));
        }
        return 0;
    }

    /// <summary>
    /// <c>--calibrate</c>: measures every rule on the data set (its chosen half) and on a reviewers' export if given, and
    /// writes the policy folder's <c>calibration.json</c>.
    /// </summary>
    static async Task<int> CalibrateAsync(Policy policy, EvalOptions options, IReadOnlyList<LabelledContract> dataset)
    {
        if (!Directory.Exists(options.OutputPath))
        {
            Console.Error.WriteLine($"--calibrate writes calibration.json into the policy folder given as --out; {options.OutputPath} is not a folder.");
            return 2;
        }
        List<Calibrator.Source> sources = [new(DatasetName(options.DataDirectory), options.Half, dataset, Path.Combine(options.DataDirectory, "labels.jsonl"))];
        if (options.ReviewedDirectory is { } reviewed)
        {
            sources.Add(new(DatasetName(reviewed), "all", Dataset.Load(reviewed), Path.Combine(reviewed, "labels.jsonl")));
        }
        var calibration = await Calibrator.BuildAsync(policy, sources, options.Prior);
        var path = Path.Combine(options.OutputPath, Calibration.FileName);
        File.WriteAllText(path, JsonSerializer.Serialize(calibration, ProfileJson) + Environment.NewLine);
        var measured = calibration.Rules.Values.Where(r => r.Decided > 0).ToList();
        Console.WriteLine($"Calibration of {calibration.Rules.Count} rules ({measured.Count} decided a labelled pair; {measured.Sum(r => r.Decided)} pairs) " +
            $"from {string.Join(" and ", sources.Select(s => $"{s.Contracts.Count} contracts of {s.Name} ({s.Split})"))}: {path}");
        return 0;
    }

    static string DatasetName(string directory) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
}
