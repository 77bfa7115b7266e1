using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using ReviewService.Tests.Judge;
using ReviewService.Tests.ReviewQueue;
using ReviewService.Tests.Storage;
using static ReviewService.Tests.Judge.JudgeTestData;
using static ReviewService.Tests.Telemetry.TelemetryCapture;

namespace ReviewService.Tests.Telemetry;

/// <summary>From a review id to the whole story: one trace with every stage and every reviewer action, and no document text in it.</summary>
public sealed class TraceTests : IAsyncLifetime
{
    /// <summary>Part of a candidate passage: it reaches the model's prompt, so it would show if prompts leaked into telemetry.</summary>
    const string Marker = "zebra-quokka-7731";

    ScriptedLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task FromAReviewIdItsTraceShowsEveryStageTheModelCallAndTheReviewersActionsWithoutTheDocumentText()
    {
        using var spans = new SpanCollector();
        var logs = new LogCollector();
        using var app = new ReviewApp(settings: Settings(_server));
        using var withLogs = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        _server.Enqueue(ScriptedReply.Error(500));
        // After the retried error the model answers every check, unsure of each: its answers go to the reviewers' queue.
        _server.Behaviour = call => ScriptedReply.Answer(call, check => Verdict.Present(call.FirstPassage(check), confidence: 0.2));

        var analyst = withLogs.WithKey(ReviewApp.AnalystKey);
        var review = await analyst.SubmitAndWaitForAsync(Distribution(NonCompeteClause + $" ({Marker})."));
        var reviewer = withLogs.WithKey(ReviewApp.ReviewerKey);
        var item = (await (await reviewer.GetAsync("/v1/queue")).JsonAsync()).GetProperty("items").EnumerateArray().Single();
        await reviewer.ClaimAsync(item);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await reviewer.ResolveAsync(item, item.Verdicts(_ => "absent"))).StatusCode);

        var traceId = review.GetProperty("traceId").GetString()!;
        var trace = spans.Where(a => a.TraceId.ToHexString() == traceId).ToList();
        var names = trace.Select(a => a.OperationName).ToHashSet();
        foreach (var stage in new[] { "review.submit", "extract", "review.process", "rules", "judge", $"chat {PrimaryModel}", "decide", "queue.claim", "queue.resolve" })
        {
            Assert.True(names.Contains(stage), $"The trace has no '{stage}' span; it has: {string.Join(", ", names.Order())}");
        }
        var judge = trace.Single(a => a.OperationName == "judge");
        Assert.Equal("chat", judge.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("openai", judge.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(PrimaryModel, judge.GetTagItem("gen_ai.request.model"));
        Assert.Equal(ScriptedReply.PromptTokens, judge.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(ScriptedReply.CompletionTokens, judge.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Contains(trace, a => a.Events.Any(e => e.Name == "llm.retry" && (string?)e.Tags.First(t => t.Key == "llm.retry.reason").Value == "http-500"));
        var rules = trace.Single(a => a.OperationName == "rules");
        Assert.Equal("contract-review", rules.GetTagItem("policy.name"));
        Assert.NotNull(rules.GetTagItem("rules.checks_undetermined"));
        Assert.False(string.IsNullOrEmpty((string?)rules.GetTagItem("rules.fired")));
        var resolve = trace.Single(a => a.OperationName == "queue.resolve");
        Assert.Equal("reviewer-1", resolve.GetTagItem("queue.reviewer"));
        Assert.NotEmpty(resolve.Links);

        var everything = spans.Strings().Concat(logs.Messages);
        Assert.DoesNotContain(everything, v => v?.Contains(Marker, StringComparison.Ordinal) == true);
        Assert.Contains(_server.Calls, c => c.User.Contains(Marker, StringComparison.Ordinal));
        Assert.Contains(logs.Scopes, s => s.Contains($"TraceId:{traceId}", StringComparison.Ordinal));
    }

    [PostgresFact]
    public async Task OnPostgreSqlTheTraceShowsEachDatabaseCommandAndTheWorkersIdlePollingMakesNoSpans()
    {
        using var spans = new SpanCollector();
        var database = TestPostgres.NewDatabase();
        var name = new Npgsql.NpgsqlConnectionStringBuilder(database).Database;
        var clock = new TestClock();
        using var app = new ReviewApp(settings: new(TestPostgres.Settings(database)) { ["Processing:Workers"] = "1" }) { Clock = clock };
        var review = await app.WithKey(ReviewApp.AnalystKey).SubmitAndWaitForAsync(Distribution(NonCompeteClause));
        // The worker polls the empty queue each time the poll interval passes: once it waits again, it has polled.
        for (var i = 0; i < 5; i++)
        {
            var polled = clock.NextWaitAsync(ReviewApp.WorkerPoll);
            clock.Advance(ReviewApp.WorkerPoll);
            await polled;
        }

        var traceId = review.GetProperty("traceId").GetString()!;
        var ours = spans.Where(a => a.Source.Name == "Npgsql" && (string?)a.GetTagItem("db.namespace") == name).ToList();
        var inTrace = ours.Where(a => a.TraceId.ToHexString() == traceId).ToList();
        var parents = spans.Where(a => a.TraceId.ToHexString() == traceId).ToDictionary(a => a.SpanId, a => a.OperationName);
        Assert.Contains(inTrace, a => parents.GetValueOrDefault(a.ParentSpanId) == "review.submit");
        Assert.Contains(inTrace, a => parents.GetValueOrDefault(a.ParentSpanId) == "review.process");
        Assert.All(inTrace, a => Assert.False(string.IsNullOrEmpty((string?)a.GetTagItem("db.query.text")), $"{a.OperationName} has no query text"));
        var roots = ours.Where(a => a.Parent is null && a.ParentSpanId == default).Select(a => (string?)a.GetTagItem("db.query.text")).ToList();
        Assert.True(roots.Count == 0, $"{roots.Count} database spans outside any trace, e.g. {roots.FirstOrDefault()}");
    }
}
