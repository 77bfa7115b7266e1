using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReviewService.Tests.ReviewQueue;

namespace ReviewService.Tests.Webhooks;

/// <summary>Webhooks end to end: the real service, a real receiver on loopback, the signature checked as the README says.</summary>
public sealed class WebhookDeliveryTests : IAsyncDisposable
{
    readonly WebhookReceiver _receiver = new();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task AFinishedReviewIsDeliveredSignedWithItsEventAndDeliveryIds()
    {
        await _receiver.StartAsync();
        using var app = new ReviewApp(settings: WebhookRequests.OnLoopback());
        var analyst = app.Analyst();
        var (webhook, secret) = await analyst.SubscribeAsync(_receiver.Url, WebhookRequests.ReviewFinished);

        var review = await analyst.SubmitAndWaitForAsync(Fixtures.Text("contract.txt"));
        var received = await _receiver.NextAsync();

        Assert.True(WebhookReceiver.Verify(received, secret, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), received.Signature);
        Assert.False(WebhookReceiver.Verify(received, secret + "x", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookReceiver.Verify(received with { Body = received.Body.Replace("\"status\"", "\"Status\"") }, secret, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        var body = JsonDocument.Parse(received.Body).RootElement;
        var status = review.GetProperty("status").GetString();
        Assert.Equal($"review.{status}", body.GetProperty("type").GetString());
        Assert.Equal(received.Event, body.GetProperty("type").GetString());
        Assert.StartsWith("evt_", body.GetProperty("id").GetString());
        Assert.Equal(review.GetProperty("id").GetString(), body.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal(status, body.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal(review.GetProperty("decision").GetProperty("outcome").GetString(), body.GetProperty("data").GetProperty("decision").GetString());
        Assert.Equal($"/v1/reviews/{review.GetProperty("id").GetString()}", body.GetProperty("data").GetProperty("links").GetProperty("self").GetString());

        var delivery = Assert.Single(await analyst.WaitForDeliveriesAsync(webhook, d => d.Length == 1 && d[0].Status() == "delivered"));
        Assert.Equal("delivered", delivery.Status());
        Assert.Equal(received.Delivery, delivery.GetProperty("id").GetString());
        Assert.Equal(200, Assert.Single(delivery.AttemptLog()).GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task ASubscriptionMadeAfterEarlierEventsHearsTheNextOnesAndADeletedOneNoMore()
    {
        await _receiver.StartAsync();
        using var app = new ReviewApp(settings: WebhookRequests.OnLoopback());
        var analyst = app.Analyst();
        // Evaluations before any subscription (on SQLite the outbox then knows there is none)...
        await analyst.SubmitAndWaitForAsync(Fixtures.Text("contract.txt"));
        var (webhook, _) = await analyst.SubscribeAsync(_receiver.Url, WebhookRequests.ReviewFinished);
        // ...do not keep the one made after them from hearing of the next.
        var review = await analyst.SubmitAndWaitForAsync(Fixtures.Text("joint-filing-agreement.txt"));
        var received = await _receiver.NextAsync();
        Assert.Equal(review.GetProperty("id").GetString(), JsonDocument.Parse(received.Body).RootElement.GetProperty("data").GetProperty("id").GetString());

        // Deleted, it hears of nothing more; a subscription to other events hears nothing of these.
        Assert.Equal(HttpStatusCode.NoContent, (await analyst.DeleteAsync($"/v1/webhooks/{webhook}")).StatusCode);
        var (other, _) = await analyst.SubscribeAsync(_receiver.Url, ["review.failed"]);
        await analyst.SubmitAndWaitForAsync(Fixtures.Text("contract.txt") + "\n\nAgain.");
        Assert.Empty(await analyst.DeliveriesAsync(other));
        var store = app.Services.GetRequiredService<ReviewService.Storage.IWebhookStore>();
        Assert.Single(await store.ListDeliveriesAsync(Guid.Parse(webhook), 10, CancellationToken.None));
    }

    [Fact]
    public async Task AnAnalystHearsOfTheirOwnReviewsOnlyAndAnAdminOfEveryReview()
    {
        await _receiver.StartAsync();
        using var app = new ReviewApp(settings: WebhookRequests.OnLoopback());
        var (other, _) = await app.WithKey(ReviewApp.Analyst2Key).SubscribeAsync(_receiver.Url, WebhookRequests.ReviewFinished);
        var (admin, _) = await app.WithKey(ReviewApp.AdminKey).SubscribeAsync(_receiver.Url, WebhookRequests.ReviewFinished);

        var review = await app.Analyst().SubmitAndWaitForAsync(Fixtures.Text("contract.txt"));

        // The outbox is written with the review's result, so once the review is finished its deliveries exist or never will.
        Assert.Empty(await app.WithKey(ReviewApp.Analyst2Key).DeliveriesAsync(other));
        var received = await _receiver.NextAsync();
        Assert.Equal(review.GetProperty("id").GetString(), JsonDocument.Parse(received.Body).RootElement.GetProperty("data").GetProperty("id").GetString());
        Assert.Single(await app.WithKey(ReviewApp.AdminKey).DeliveriesAsync(admin));
        // Another analyst cannot see the admin's subscription either.
        Assert.Equal(HttpStatusCode.NotFound, (await app.WithKey(ReviewApp.Analyst2Key).GetAsync($"/v1/webhooks/{admin}")).StatusCode);
    }

    [Fact]
    public async Task AReceiverThatIsDownGetsTheEventWithBackOffOnceItIsUp()
    {
        var clock = new TestClock();
        using var app = new ReviewApp(settings: WebhookRequests.OnLoopback()) { Clock = clock };
        var analyst = app.Analyst();
        var (webhook, secret) = await analyst.SubscribeAsync(_receiver.Url, WebhookRequests.ReviewFinished);

        // The receiver is not listening: the first attempt is refused, and a retry is scheduled 5 to 10 s later.
        await analyst.SubmitAndWaitForAsync(Fixtures.Text("contract.txt"));
        var failed = Assert.Single(await analyst.WaitForDeliveriesAsync(webhook, d => d.Length == 1 && d[0].GetProperty("attempts").GetInt32() == 1));
        Assert.Equal("pending", failed.Status());
        var first = Assert.Single(failed.AttemptLog());
        Assert.False(first.TryGetProperty("statusCode", out var code) && code.ValueKind == JsonValueKind.Number);
        Assert.Contains("ConnectionRefused", first.GetProperty("error").GetString());
        var retryIn = failed.GetProperty("nextAttemptAt").GetDateTimeOffset() - first.GetProperty("at").GetDateTimeOffset();
        Assert.InRange(retryIn, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));

        // Poll by poll, nothing is sent before the back-off is over; once it is, the receiver (up again) gets the event.
        await _receiver.StartAsync();
        var retryAt = first.GetProperty("at").GetDateTimeOffset() + retryIn;
        await clock.StepAsync(WebhookRequests.Poll);
        while (clock.GetUtcNow() + WebhookRequests.Poll < retryAt)
        {
            await clock.StepAsync(WebhookRequests.Poll);
        }
        Assert.Single((await analyst.DeliveriesAsync(webhook))[0].AttemptLog());
        clock.Advance(WebhookRequests.Poll);
        var received = await _receiver.NextAsync();
        Assert.True(WebhookReceiver.Verify(received, secret, clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        var delivered = Assert.Single(await analyst.WaitForDeliveriesAsync(webhook, d => d[0].Status() == "delivered"));
        Assert.Equal(2, delivered.AttemptLog().Length);
        Assert.Equal(200, delivered.AttemptLog()[1].GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task FinishedDeliveriesLeaveTheLogAfterKeepDaysAndPendingOnesStayUntilFinished()
    {
        await _receiver.StartAsync();
        var clock = new TestClock();
        using var app = new ReviewApp(settings: WebhookRequests.OnLoopback(new() { ["Webhooks:KeepDays"] = "30" })) { Clock = clock };
        var analyst = app.Analyst();
        var (delivered, _) = await analyst.SubscribeAsync(_receiver.Url, ["review.completed", "review.needs_review"]);
        var (down, _) = await analyst.SubscribeAsync($"http://127.0.0.1:{Storage.ServiceProcess.FreePort()}/hooks", ["review.completed", "review.needs_review"]);
        await analyst.SubmitAndWaitForAsync(Fixtures.Text("contract.txt"));
        await _receiver.NextAsync();
        Assert.Equal("delivered", Assert.Single(await analyst.WaitForDeliveriesAsync(delivered, d => d.Length == 1 && d[0].Status() == "delivered")).Status());
        Assert.Equal("pending", Assert.Single(await analyst.WaitForDeliveriesAsync(down, d => d.Length == 1 && d[0].GetProperty("attempts").GetInt32() == 1)).Status());

        // 31 days on, the delivered one leaves the log; the pending one stays, is tried once more, and is given up (past its 24 h).
        await clock.StepAsync(WebhookRequests.Poll);
        await clock.StepAsync(TimeSpan.FromDays(31));
        Assert.Empty(await analyst.WaitForDeliveriesAsync(delivered, d => d.Length == 0));
        Assert.Equal("failed", Assert.Single(await analyst.WaitForDeliveriesAsync(down, d => d.Length == 1 && d[0].Status() == "failed")).Status());
        // Finished now, and written 31 days ago: it goes at the next hourly pass.
        await clock.StepAsync(TimeSpan.FromHours(1));
        Assert.Empty(await analyst.WaitForDeliveriesAsync(down, d => d.Length == 0));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(410)]
    [InlineData(307)] // a redirect is not followed: the receiver at the other address never sees the event
    public async Task AnAnswerOtherThan2xxIsAFailedAttemptToRetry(int status)
    {
        _receiver.Status = status;
        await _receiver.StartAsync();
        using var app = new ReviewApp(settings: WebhookRequests.OnLoopback());
        var analyst = app.Analyst();
        var (webhook, _) = await analyst.SubscribeAsync(_receiver.Url, WebhookRequests.ReviewFinished);

        await analyst.SubmitAndWaitForAsync(Fixtures.Text("contract.txt"));
        await _receiver.NextAsync();

        var delivery = Assert.Single(await analyst.WaitForDeliveriesAsync(webhook, d => d.Length == 1 && d[0].GetProperty("attempts").GetInt32() == 1));
        Assert.Equal("pending", delivery.Status());
        Assert.Equal(status, Assert.Single(delivery.AttemptLog()).GetProperty("statusCode").GetInt32());
        Assert.Empty(_receiver.Drain());
    }

    [Fact]
    public async Task ADeliveryGivenUpCanBeSentAgainByHand()
    {
        // A retry window shorter than the first back-off: the first failed attempt is the last.
        using var app = new ReviewApp(settings: WebhookRequests.OnLoopback(new() { ["Webhooks:RetryHours"] = "0.001" }));
        var analyst = app.Analyst();
        var (webhook, _) = await analyst.SubscribeAsync(_receiver.Url, WebhookRequests.ReviewFinished);
        await analyst.SubmitAndWaitForAsync(Fixtures.Text("contract.txt"));
        var failed = Assert.Single(await analyst.WaitForDeliveriesAsync(webhook, d => d.Length == 1 && d[0].Status() == "failed"));
        Assert.Equal("failed", failed.Status());

        await _receiver.StartAsync();
        using var retry = await analyst.PostAsync($"/v1/webhooks/{webhook}/deliveries/{failed.GetProperty("id").GetString()}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var received = await _receiver.NextAsync();
        Assert.Equal(failed.GetProperty("id").GetString(), received.Delivery);
        var delivered = Assert.Single(await analyst.WaitForDeliveriesAsync(webhook, d => d[0].Status() == "delivered"));
        Assert.Equal(2, delivered.AttemptLog().Length);

        using var unknown = await analyst.PostAsync($"/v1/webhooks/{webhook}/deliveries/{Guid.NewGuid()}/retry", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task AResolvedQueueItemIsAnnouncedWithTheReviewsNewStatus()
    {
        await _receiver.StartAsync();
        using var app = new ReviewApp(settings: WebhookRequests.OnLoopback());
        var (_, secret) = await app.Analyst().SubscribeAsync(_receiver.Url, ["queue.resolved"]);
        var (review, item) = await app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        var reviewer = app.WithKey(ReviewApp.ReviewerKey);
        (await reviewer.ClaimAsync(item)).EnsureSuccessStatusCode();
        var resolved = await (await reviewer.ResolveAsync(item, item.Verdicts(_ => "absent"))).EnsureSuccessStatusCode().JsonAsync();

        var received = await _receiver.NextAsync();
        Assert.True(WebhookReceiver.Verify(received, secret, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        var data = JsonDocument.Parse(received.Body).RootElement.GetProperty("data");
        Assert.Equal("queue.resolved", received.Event);
        Assert.Equal(review.GetProperty("id").GetString(), data.GetProperty("id").GetString());
        Assert.Equal(resolved.GetProperty("review").GetProperty("status").GetString(), data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AReviewThatFailsForGoodIsAnnouncedAsFailed()
    {
        await _receiver.StartAsync();
        var database = Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"{Guid.NewGuid():N}.db");
        string reviewId;
        string secret;
        // Stored without being evaluated (no workers), under a policy the next start will not have.
        using (var storing = new ReviewApp(database, WebhookRequests.OnLoopback(new() { ["Processing:Enabled"] = "false" })))
        {
            (_, secret) = await storing.Analyst().SubscribeAsync(_receiver.Url, ["review.failed"]);
            var accepted = await (await storing.Analyst().SubmitAsync(ReviewRequests.Text(Fixtures.Text("contract.txt")), wait: "0")).JsonAsync();
            reviewId = accepted.GetProperty("id").GetString()!;
        }
        var rules = Path.Combine(Path.GetTempPath(), "reviewservice-renamed", Guid.NewGuid().ToString("N"));
        var renamed = Path.Combine(rules, "other-policy");
        Directory.Move(Fixtures.CopyOfPolicy(rules), renamed);
        Fixtures.EditJson(renamed, "policy.json", json => json["name"] = "other-policy");
        using var evaluating = new ReviewApp(database, WebhookRequests.OnLoopback(new() { ["Policies:Directory"] = rules, ["Processing:MaxAttempts"] = "1" }));
        var analyst = evaluating.Analyst(); // starts the app: its workers take the stored review

        var received = await _receiver.NextAsync();
        Assert.True(WebhookReceiver.Verify(received, secret, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        var data = JsonDocument.Parse(received.Body).RootElement.GetProperty("data");
        Assert.Equal("review.failed", received.Event);
        Assert.Equal(reviewId, data.GetProperty("id").GetString());
        Assert.Equal("failed", data.GetProperty("status").GetString());
        Assert.Contains("no longer loaded", (await analyst.GetFromJsonAsync<JsonElement>($"/v1/reviews/{reviewId}")).GetProperty("error").GetString());
    }
}
