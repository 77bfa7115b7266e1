using System.Text.Json;
using static ReviewService.Tests.Judge.JudgeTestData;

namespace ReviewService.Tests.Judge;

/// <summary>Many reviews against a model that fails at random in every way: each review ends decided or in the queue, none is left pending.</summary>
public sealed class JudgeLoadTests : IAsyncLifetime
{
    const int Reviews = 60;
    ScriptedLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EveryReviewEndsDecidedOrQueuedWhateverTheModelDoes()
    {
        var random = new Random(20261124);
        var faults = new Func<LlmCall, ScriptedReply>[]
        {
            call => ScriptedReply.Answer(call, check => Verdict.Present(call.FirstPassage(check))),
            call => ScriptedReply.Answer(call, check => Verdict.Present(call.FirstPassage(check))),
            _ => ScriptedReply.Error(429, retryAfterSeconds: 0),
            _ => ScriptedReply.Error(500),
            _ => ScriptedReply.Error(503),
            _ => ScriptedReply.Hang(TimeSpan.FromSeconds(5)),
            call => ScriptedReply.Content(call, "{\"verdicts\": [ {\"check\": "),
            call => ScriptedReply.Content(call, "{\"verdicts\":[{\"check\":\"non-compete\",\"outcome\":\"perhaps\"}]}"),
            call => ScriptedReply.Answer(call, _ => Verdict.Absent("Nothing in this contract restricts anybody.")),
            call => ScriptedReply.Answer(call, check => Verdict.Present(call.FirstPassage(check), confidence: 0.2)),
            _ => new ScriptedReply(200, "<html>bad gateway</html>"),
        };
        _server.Behaviour = call =>
        {
            lock (random)
            {
                return faults[random.Next(faults.Length)](call);
            }
        };
        using var app = new ReviewApp(settings: Settings(_server,
            ("Processing:Workers", "4"), ("Llm:TimeoutSeconds", "0.3"), ("Llm:MaxRetries", "2"), ("Llm:RetryBaseDelaySeconds", "0.01"),
            ("Llm:CircuitBreaker:MinimumThroughput", "10"), ("Llm:CircuitBreaker:BreakSeconds", "0.5"), ("Llm:Fallback:Model", FallbackModel),
            // A fully decided review sampled for QA is queued with all its checks: this test is about undetermined ones.
            ("Queue:QaSampleRate", "0")));
        var client = app.Analyst();

        var ids = await Task.WhenAll(Enumerable.Range(0, Reviews).Select(async _ =>
            (await (await client.SubmitAsync(ReviewRequests.Text(Distribution()), wait: "0")).JsonAsync()).GetProperty("id").GetString()!));
        var finished = new List<JsonElement>();
        foreach (var id in ids)
        {
            finished.Add(await client.WaitForReviewAsync(id, seconds: 120));
        }

        Assert.Equal(Reviews, ids.Distinct().Count());
        foreach (var review in finished)
        {
            Assert.Contains(review.GetProperty("status").GetString(), new[] { "completed", "needs_review" });
            var undetermined = review.GetProperty("findings").EnumerateArray()
                .Where(f => f.GetProperty("outcome").GetString() == "undetermined").Select(f => f.GetProperty("check").GetString()!).Order();
            Assert.Equal(undetermined, (await app.QueueReasonsAsync(review)).Keys.Order());
        }
        var list = await (await client.GetAsync("/v1/reviews?status=pending")).JsonAsync();
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        // The faults were exercised: some reviews were judged, some degraded.
        Assert.Contains(finished, r => r.Finding("non-compete").GetProperty("decidedBy").GetString() == "llm");
        Assert.Contains(finished, r => r.IsDegraded());
    }
}
