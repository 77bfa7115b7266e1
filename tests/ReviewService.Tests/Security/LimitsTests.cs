using System.Net;
using ReviewService.Extraction;
using ReviewService.Tests.Judge;

namespace ReviewService.Tests.Security;

/// <summary>Per-credential rate limits, the request time limit, and the bound on concurrent extraction of large files.</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task SubmissionsOverTheLimitAre429WithRetryAfterWhileOtherCredentialsCarryOn()
    {
        using var app = new ReviewApp(settings: new() { ["RateLimits:SubmissionsPerMinute"] = "3" });
        var analyst = app.Analyst();
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await analyst.SubmitAsync(ReviewRequests.Text($"Agreement number {i}."), wait: "0")).IsSuccessStatusCode);
        }

        var refused = await analyst.SubmitAsync(ReviewRequests.Text("One too many."), wait: "0");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Contains("Wait", (await refused.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/v1/reviews/")).StatusCode);   // reads have their own allowance
        Assert.True((await app.WithKey(ReviewApp.Analyst2Key).SubmitAsync(ReviewRequests.Text("Someone else's."), wait: "0")).IsSuccessStatusCode);
        var listed = await (await app.WithKey(ReviewApp.ReviewerKey).GetAsync("/v1/reviews/")).JsonAsync();
        Assert.Equal(4, listed.GetProperty("items").GetArrayLength());   // the refused one was not stored
    }

    [Fact]
    public async Task RequestsOverTheLimitAre429ButHealthProbesAlwaysAnswer()
    {
        using var app = new ReviewApp(settings: new() { ["RateLimits:RequestsPerMinute"] = "5", ["RateLimits:AnonymousPerMinute"] = "3" });
        var reviewer = app.WithKey(ReviewApp.ReviewerKey);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await reviewer.GetAsync("/v1/me")).StatusCode);
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);

        var guesser = app.WithKey("guessed-key");
        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            guesses.Add((await guesser.GetAsync("/v1/me")).StatusCode);
        }
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], guesses);

        var anonymous = app.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        }
    }

    [Fact]
    public async Task ARequestOverTheTimeLimitIsCancelledWith503AndTheSubmissionIsNotLost()
    {
        await using var llm = await ScriptedLlmServer.StartAsync();
        llm.Behaviour = _ => ScriptedReply.Hang(TimeSpan.FromSeconds(20));
        using var app = new ReviewApp(settings: JudgeTestData.Settings(llm, ("RateLimits:RequestTimeoutSeconds", "1"), ("Llm:TimeoutSeconds", "15"), ("Llm:TotalTimeoutSeconds", "30")));
        var analyst = app.Analyst();

        var response = await analyst.SubmitAsync(ReviewRequests.Text(JudgeTestData.Distribution()), wait: "10");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Request timed out", (await response.JsonAsync()).GetProperty("title").GetString());
        var listed = await (await analyst.GetAsync("/v1/reviews/")).JsonAsync();
        Assert.Equal(1, listed.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task LargeDocumentsWaitForATurnAndAreRefusedWith503WhenNoneComes()
    {
        using var blocking = new BlockingExtractor();
        var extractor = new DocumentExtractor([blocking], new ExtractionOptions());
        var clock = new TestClock();
        var queueing = TimeSpan.FromSeconds(30);
        using var gate = new ExtractionGate(extractor, Microsoft.Extensions.Options.Options.Create(
            new ExtractionGateOptions { LargeDocumentBytes = 10, MaxConcurrentLargeExtractions = 1, LargeQueueSeconds = queueing.TotalSeconds }), clock);
        var large = new byte[100];

        var first = gate.ExtractAsync("text/plain", "a.txt", large, CancellationToken.None);
        await blocking.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        var waitingForATurn = clock.NextWaitAsync(queueing);
        var second = gate.ExtractAsync("text/plain", "b.txt", large, CancellationToken.None);
        await waitingForATurn;
        var small = await gate.ExtractAsync("text/plain", "c.txt", new byte[5], CancellationToken.None);   // small files pass straight through
        Assert.False(second.IsCompleted);
        clock.Advance(queueing);

        Assert.Equal(FailureKind.Busy, (await second).Failure?.Kind);
        Assert.Equal(503, Http.Problems.StatusOf(FailureKind.Busy));
        Assert.NotNull(small.Document);
        blocking.Release.Set();
        Assert.NotNull((await first).Document);
        Assert.NotNull((await gate.ExtractAsync("text/plain", "d.txt", large, CancellationToken.None)).Document);   // the turn was given back
    }

    /// <summary>Extracts large documents only when told to, so a test holds the gate's one turn.</summary>
    sealed class BlockingExtractor : IFormatExtractor, IDisposable
    {
        public SemaphoreSlim Entered { get; } = new(0);
        public ManualResetEventSlim Release { get; } = new();
        public string ContentType => "text/plain";
        public IReadOnlyList<string> Extensions => [".txt"];

        public ExtractionResult Extract(ReadOnlyMemory<byte> content)
        {
            if (content.Length >= 10)
            {
                Entered.Release();
                Release.Wait(TimeSpan.FromSeconds(10));
            }
            return new ExtractedDocument("text", "text", [0]);
        }

        public void Dispose()
        {
            Entered.Dispose();
            Release.Dispose();
        }
    }
}
