using System.Text.Json;
using ReviewService.ReviewQueue;
using static ReviewService.Tests.Judge.JudgeTestData;

namespace ReviewService.Tests.Judge;

/// <summary>A sustained outage: the circuit opens, the fallback model answers, then the queue takes over; nothing is lost, and the model is used again once it recovers.</summary>
public sealed class OutageTests : IAsyncLifetime
{
    ScriptedLlmServer _server = null!;
    bool _primaryDown;
    bool _fallbackDown;

    public async Task InitializeAsync()
    {
        _server = await ScriptedLlmServer.StartAsync();
        _server.Behaviour = call =>
            (call.Model == PrimaryModel ? _primaryDown : _fallbackDown) ? ScriptedReply.Error(503)
            : ScriptedReply.Answer(call, check => Verdict.Present(call.FirstPassage(check)));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    static (string, string?)[] Breaker(double breakSeconds) =>
    [
        ("Llm:MaxRetries", "1"),
        // Retried at once: the clock only moves when the test moves it.
        ("Llm:RetryBaseDelaySeconds", "0"),
        ("Llm:CircuitBreaker:MinimumThroughput", "2"),
        ("Llm:CircuitBreaker:FailureRatio", "0.5"),
        ("Llm:CircuitBreaker:BreakSeconds", breakSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Llm:Fallback:Model", FallbackModel),
    ];

    [Fact]
    public async Task SustainedOutageFallsBackThenQueuesThenRecovers()
    {
        var clock = new TestClock();
        var breakDuration = TimeSpan.FromSeconds(30);
        using var app = new ReviewApp(settings: Settings(_server, Breaker(breakDuration.TotalSeconds))) { Clock = clock };
        var client = app.Analyst();
        var reviews = new List<JsonElement>();

        // The primary fails: after its retries its circuit opens, and the fallback model answers.
        _primaryDown = true;
        reviews.Add(await client.SubmitAndWaitAsync(Distribution()));
        Assert.Equal(FallbackModel, reviews[^1].Finding("non-compete").GetProperty("model").GetString());
        Assert.Equal(2, _server.CallsTo(PrimaryModel).Count);

        // While the primary's circuit is open it is not called at all.
        reviews.Add(await client.SubmitAndWaitAsync(Distribution()));
        Assert.Equal(FallbackModel, reviews[^1].Finding("non-compete").GetProperty("model").GetString());
        Assert.Equal(2, _server.CallsTo(PrimaryModel).Count);

        // The fallback fails too: the checks go to the queue and the review says why.
        _fallbackDown = true;
        reviews.Add(await client.SubmitAndWaitAsync(Distribution()));
        var reason = reviews[^1].GetProperty("degradedReason").GetString()!;
        Assert.StartsWith("llm-unavailable", reason);
        Assert.Contains($"primary {PrimaryModel}: circuit-open", reason);
        Assert.Contains($"fallback {FallbackModel}: http-503", reason);
        Assert.Equal(QueueReasons.Degraded, (await app.QueueReasonsAsync(reviews[^1]))["non-compete"]);

        // Both circuits open: reviews go straight to the queue without a call.
        var calls = _server.Calls.Count;
        reviews.Add(await client.SubmitAndWaitAsync(Distribution()));
        Assert.True(reviews[^1].IsDegraded());
        Assert.Equal(calls, _server.Calls.Count);

        // Recovery: the models are back, but until the break is over their circuits stay open and nothing is called.
        (_primaryDown, _fallbackDown) = (false, false);
        clock.Advance(breakDuration - TimeSpan.FromSeconds(1));
        reviews.Add(await client.SubmitAndWaitAsync(Distribution()));
        Assert.True(reviews[^1].IsDegraded());
        Assert.Equal(calls, _server.Calls.Count);

        // Once it is over, a trial call closes the circuit and new reviews use the primary again.
        clock.Advance(TimeSpan.FromSeconds(1));
        reviews.Add(await client.SubmitAndWaitAsync(Distribution()));
        Assert.Equal(PrimaryModel, reviews[^1].Finding("non-compete").GetProperty("model").GetString());
        reviews.Add(await client.SubmitAndWaitAsync(Distribution()));
        Assert.Equal(PrimaryModel, reviews[^1].Finding("non-compete").GetProperty("model").GetString());
        Assert.False(reviews[^1].IsDegraded());

        // Nothing was lost: every review finished, decided or in the queue.
        Assert.All(reviews, r => Assert.Contains(r.GetProperty("status").GetString(), new[] { "completed", "needs_review" }));
    }

    [Fact]
    public async Task WhileTheCircuitIsOpenReviewsSkipTheModelAtOnce()
    {
        var clock = new TestClock();
        var attemptTimeout = TimeSpan.FromSeconds(2);
        using var app = new ReviewApp(settings: Settings(_server, ("Llm:TimeoutSeconds", "2"), ("Llm:MaxRetries", "1"), ("Llm:RetryBaseDelaySeconds", "0"),
            ("Llm:CircuitBreaker:MinimumThroughput", "2"), ("Llm:CircuitBreaker:BreakSeconds", "60"))) { Clock = clock };
        var client = app.Analyst();
        _server.Behaviour = _ => ScriptedReply.Hang(TimeSpan.FromSeconds(30));

        // The model hangs: each attempt ends when its timeout, started before the request, has passed on the clock; after the
        // second the circuit opens.
        var judging = client.SubmitAndWaitAsync(Distribution());
        await _server.NextCallAsync();
        clock.Advance(attemptTimeout);
        await _server.NextCallAsync();
        clock.Advance(attemptTimeout);
        var first = await judging;
        Assert.Contains("timeout", first.GetProperty("degradedReason").GetString());
        Assert.Equal(2, _server.Calls.Count);

        // The clock stands still from here: a review that waited for any timeout would not be answered.
        var response = await client.SubmitAsync(ReviewRequests.Text(Distribution()), wait: "30");

        var second = await response.JsonAsync();
        Assert.Contains("circuit-open", second.GetProperty("degradedReason").GetString());
        Assert.Equal("needs_review", second.GetProperty("status").GetString());
        Assert.Equal(2, _server.Calls.Count);
    }
}
