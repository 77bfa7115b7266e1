using System.Text.Json;
using ReviewService.Eval;
using ReviewService.Tests.Judge;

namespace ReviewService.Tests.Eval;

/// <summary>What one run of the evaluation command left: its exit code, the JSON report and the Markdown summary.</summary>
public sealed record EvalRun(int ExitCode, string ReportPath, JsonElement Report, string Markdown)
{
    /// <summary>Runs the command through its entry point on eval-data, with <paramref name="args"/> and the judge's settings (null: none given).</summary>
    public static async Task<EvalRun> StartAsync(string[] args, Dictionary<string, string?>? llmSettings)
    {
        var path = Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"eval-{Guid.NewGuid():N}.json");
        var options = EvalOptions.Parse([.. args, "--policy", "contract-review", "--data", Fixtures.EvalData, "--out", path, "--rules", Fixtures.RulesDirectory])!;
        var exit = await EvalProgram.RunAsync(options, llmSettings);
        return exit != 0 ? new EvalRun(exit, path, default, "")
            : new EvalRun(exit, path, JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone(), File.ReadAllText(Path.ChangeExtension(path, ".md")));
    }

    /// <summary>The judge's settings against <paramref name="server"/>, one review at a time, so that its n-th call is the n-th review the model is asked about.</summary>
    public static Dictionary<string, string?> OneCallAtATime(ScriptedLlmServer server) => JudgeTestData.Settings(server, ("Llm:MaxConcurrentCalls", "1"));
}

/// <summary>
/// <c>--judge --limit 5</c> against a scripted model that answers every review, run once for the tests that read it or compare
/// with it: the evaluation loads and compiles the policy on each run, which takes seconds.
/// </summary>
public sealed class HonestJudgeRun : IAsyncLifetime
{
    public ScriptedLlmServer Server { get; private set; } = null!;
    public CountingModel Model { get; } = new();
    public EvalRun Run { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ScriptedLlmServer.StartAsync();
        Server.Behaviour = Model.Reply;
        Run = await EvalRun.StartAsync(["--judge", "--limit", "5"], EvalRun.OneCallAtATime(Server));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
