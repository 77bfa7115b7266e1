using System.Text.Json;
using ReviewService.Eval;
using ReviewService.Tests.Judge;
using static ReviewService.Tests.Judge.JudgeTestData;

namespace ReviewService.Tests.Eval;

/// <summary>
/// The evaluation command with --judge, end to end through its entry point: the service's cascade against the scripted
/// OpenAI-compatible server, over the first contracts of eval-data.
/// </summary>
public sealed class JudgeEvaluationTests(HonestJudgeRun honest) : IClassFixture<HonestJudgeRun>, IAsyncLifetime
{
    static readonly string[] JudgeProperties = ["judge", "stages", "pairs", "cascade", "llmUsage", "latency", "degraded"];

    ScriptedLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void JudgeRunScoresEachStageAndSumsTheTokensTheModelReported()
    {
        var (run, model, calls) = (honest.Run, honest.Model, honest.Server.Calls);

        Assert.Equal(0, run.ExitCode);
        var report = run.Report;
        Assert.Equal(5, report.GetProperty("documents").GetInt32());
        foreach (var stage in new[] { report.GetProperty("stages").GetProperty("rules"), report.GetProperty("stages").GetProperty("llm"), report.GetProperty("cascade") })
        {
            foreach (var field in new[] { "pairs", "decided", "right", "coverage", "accuracy" })
            {
                Assert.True(stage.TryGetProperty(field, out _), field);
            }
            var check = stage.GetProperty("checks")[0];
            foreach (var field in new[] { "check", "decided", "right", "accuracy" })
            {
                Assert.True(check.TryGetProperty(field, out _), field);
            }
        }
        Assert.NotEmpty(calls);
        var usage = report.GetProperty("llmUsage");
        Assert.Equal(model.PromptTokens, usage.GetProperty("inputTokens").GetInt64());
        Assert.Equal(model.CompletionTokens, usage.GetProperty("outputTokens").GetInt64());
        Assert.Equal((model.PromptTokens * 0.5m + model.CompletionTokens * 1.5m) / 1000m, usage.GetProperty("estimatedCost").GetDecimal());
        var latency = report.GetProperty("latency");
        Assert.Equal(calls.Count, latency.GetProperty("count").GetInt32());
        Assert.InRange(latency.GetProperty("p50Ms").GetDouble(), 0.001, latency.GetProperty("p95Ms").GetDouble());
        Assert.True(latency.GetProperty("p95Ms").GetDouble() <= latency.GetProperty("maxMs").GetDouble());
        Assert.Equal(0, report.GetProperty("degraded").GetProperty("reviews").GetInt32());
        Assert.Equal(PrimaryModel, report.GetProperty("judge").GetProperty("model").GetString());

        // The stages add up: the rules stage is the rules-only figure, the LLM decided what the rules left, the cascade is both.
        var (rules, llm, pairs) = (Stage(report, "rules"), Stage(report, "llm"), report.GetProperty("pairs"));
        // The rules stage is what stays final at the policy's target accuracy; the rest of the rules' decisions the judge verified.
        var final = report.TryGetProperty("policyTarget", out var target) ? target.GetProperty("final").GetInt32() : report.GetProperty("overall").GetProperty("decidedByRules").GetInt32();
        Assert.Equal(final, rules.Decided);
        Assert.Equal(Pairs(report).Count(p => p.DecidedBy == "llm"), llm.Decided);
        Assert.True(llm.Decided > 0);
        Assert.Equal(Pairs(report).Count(p => p.DecidedBy == "llm" && p.Right), llm.Right);
        Assert.Equal(rules.Decided + llm.Decided, report.GetProperty("cascade").GetProperty("decided").GetInt32());
        Assert.Equal(report.GetProperty("overall").GetProperty("pairs").GetInt32(),
            pairs.GetProperty("rules").GetInt32() + pairs.GetProperty("llm").GetInt32() + pairs.GetProperty("undetermined").GetInt32());
        Assert.Contains("| check | rules decided | rules accuracy | llm asked | llm decided | llm accuracy | cascade coverage | cascade accuracy |",
            run.Markdown, StringComparison.Ordinal);
        // --compare reads a --judge report back.
        var read = ReportWriter.Read(run.ReportPath);
        Assert.Equal(llm.Decided, read.Stages!.Llm.Decided);
        Assert.Equal(model.PromptTokens, read.LlmUsage!.InputTokens);
        Assert.StartsWith($"cascade ({PrimaryModel}, prompt ", CascadeSummary.OneLine(read), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http-500")]
    [InlineData("invalid-json")]
    public async Task ModelErrorForOneReviewIsCountedAsDegradedNeverAsAWrongAnswer(string failure)
    {
        var baseline = honest.Run.Report;
        var broken = new CountingModel(failure == "http-500"
            ? (n, call) => n is >= 2 and <= 4 ? ScriptedReply.Error(500) : null    // the second review: its first attempt and both retries
            : (n, call) => n == 2 ? ScriptedReply.Content(call, "this is not JSON {") : null);
        _server.Behaviour = broken.Reply;

        var report = (await EvalRun.StartAsync(["--judge", "--limit", "5"], EvalRun.OneCallAtATime(_server))).Report;

        var degraded = report.GetProperty("degraded");
        Assert.Equal(1, degraded.GetProperty("reviews").GetInt32());
        var code = failure == "http-500" ? "llm-unavailable" : "invalid-output";
        Assert.Equal(1, degraded.GetProperty("reasons").GetProperty(code).GetInt32());
        var contract = degraded.GetProperty("details")[0].GetProperty("contract").GetString()!;
        // The degraded review's pairs keep the rules' outcome; every other pair is as the model answered it in the baseline.
        var before = Pairs(baseline).ToDictionary(p => (p.Contract, p.Check));
        foreach (var p in Pairs(report))
        {
            var was = before[(p.Contract, p.Check)];
            var expected = p.Contract == contract && was.DecidedBy == "llm" ? ("undetermined", (string?)null) : (was.Outcome, was.DecidedBy);
            Assert.Equal(expected, (p.Outcome, p.DecidedBy));
        }
        var lost = Pairs(baseline).Where(p => p.Contract == contract && p.DecidedBy == "llm").ToList();
        Assert.NotEmpty(lost);
        var (then, now) = (Stage(baseline, "llm"), Stage(report, "llm"));
        Assert.Equal(then.Decided - lost.Count, now.Decided);
        Assert.Equal(then.Right - lost.Count(p => p.Right), now.Right);
        Assert.Equal(degraded.GetProperty("pairs").GetInt32(), then.Pairs - now.Pairs);
        // Tokens are what the replies that came back counted, the unusable one included: they were spent.
        Assert.Equal(broken.PromptTokens, report.GetProperty("llmUsage").GetProperty("inputTokens").GetInt64());
        Assert.Equal(broken.CompletionTokens, report.GetProperty("llmUsage").GetProperty("outputTokens").GetInt64());
    }

    [Fact]
    public async Task JudgeWithoutAModelStopsWithExitCodeTwoNamingTheSettings()
    {
        var settings = new Dictionary<string, string?> { ["Llm:Provider"] = "None" };

        var run = await EvalRun.StartAsync(["--judge"], settings);

        Assert.Equal(2, run.ExitCode);
        Assert.False(File.Exists(run.ReportPath));
        var (host, problem) = await JudgeHost.BuildAsync(settings);
        Assert.Null(host);
        Assert.Equal(JudgeHost.NoModel, problem);
        Assert.Contains("Llm__Provider", problem, StringComparison.Ordinal);
        Assert.Contains("Llm__Model", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidModelSettingsAreRefusedWithTheServicesOwnMessage()
    {
        var (host, problem) = await JudgeHost.BuildAsync(new Dictionary<string, string?> { ["Llm:Provider"] = "OpenAI", ["Llm:Endpoint"] = _server.OpenAIEndpoint });

        Assert.Null(host);
        Assert.Contains("Llm:Model is required when Llm:Provider is OpenAI.", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutJudgeTheReportKeepsItsShapeAndLimitTakesTheFirstContracts()
    {
        var run = await EvalRun.StartAsync(["--limit", "3"], llmSettings: null);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Dataset.Load(Fixtures.EvalData).Take(3).Select(c => c.Id), Pairs(run.Report).Select(p => p.Contract).Distinct());
        Assert.All(JudgeProperties, p => Assert.False(run.Report.TryGetProperty(p, out _), p));
        Assert.False(run.Report.GetProperty("results")[0].TryGetProperty("decidedBy", out _));
        Assert.DoesNotContain("Cascade", run.Markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--judge --policy p --data d --out o", true, null)]
    [InlineData("--policy p --judge --data d --out o --limit 7", true, 7)]
    [InlineData("--policy p --data d --out o", false, null)]
    public void JudgeIsAFlagAndLimitANumber(string args, bool judge, int? limit)
    {
        var options = EvalOptions.Parse(args.Split(' '))!;

        Assert.Equal((judge, limit, "p", "d", "o"), (options.Judge, options.Limit, options.Policy, options.DataDirectory, options.OutputPath));
    }

    [Theory]
    [InlineData("--policy p --data d --out o --limit 0")]
    [InlineData("--policy p --data d --out o --limit five")]
    [InlineData("--policy p --data d --out o --limit")]
    public void LimitMustBeAPositiveNumber(string args) => Assert.Null(EvalOptions.Parse(args.Split(' ')));

    static List<(string Contract, string Check, string Outcome, string? DecidedBy, bool Right)> Pairs(JsonElement report) =>
        [.. report.GetProperty("results").EnumerateArray().Select(r => (
            r.GetProperty("contract").GetString()!, r.GetProperty("check").GetString()!, r.GetProperty("outcome").GetString()!,
            r.TryGetProperty("decidedBy", out var by) ? by.GetString() : null,
            (r.GetProperty("outcome").GetString() == "present") == r.GetProperty("truth").GetBoolean()))];

    static (int Pairs, int Decided, int Right) Stage(JsonElement report, string stage)
    {
        var s = report.GetProperty("stages").GetProperty(stage);
        return (s.GetProperty("pairs").GetInt32(), s.GetProperty("decided").GetInt32(), s.GetProperty("right").GetInt32());
    }
}
