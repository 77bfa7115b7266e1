using System.Text.Json;
using ReviewService.Tests.ReviewQueue;
using ReviewService.Tests.Storage;

namespace ReviewService.Tests.Webhooks;

/// <summary>At least once, across a SIGKILL and across instances: the outbox rows outlive the process that wrote them.</summary>
public sealed class WebhookCrashTests : IAsyncDisposable
{
    readonly WebhookReceiver _receiver = new();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    /// <summary>A real service process on this run's database (a SQLite file, or PostgreSQL with <c>REVIEWS_TEST_PROVIDER=Postgres</c>).</summary>
    static Dictionary<string, string?> Settings(string database, bool deliver)
    {
        var settings = TestPostgres.AppsUsePostgres
            ? new Dictionary<string, string?>(TestPostgres.Settings(TestPostgres.Database(database)))
            : new Dictionary<string, string?> { ["ConnectionStrings:Reviews"] = $"Data Source={database}" };
        settings["Webhooks:Deliver"] = deliver ? "true" : "false";
        return WebhookRequests.OnLoopback(settings);
    }

    [Fact]
    public async Task AnEventCommittedByAProcessKilledBeforeDeliveringIsDeliveredAfterTheRestart()
    {
        var database = Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"{Guid.NewGuid():N}.db");
        string reviewId, secret;
        // This instance commits the review and its outbox row, and is killed before it delivers anything.
        using (var killed = await ServiceProcess.StartAsync(Settings(database, deliver: false)))
        {
            var analyst = killed.Client(ReviewApp.AnalystKey);
            (_, secret) = await analyst.SubscribeAsync(_receiver.Url, WebhookRequests.ReviewFinished);
            var review = await analyst.SubmitAndWaitForAsync(Fixtures.Text("contract.txt"));
            Assert.NotEqual("pending", review.GetProperty("status").GetString());
            reviewId = review.GetProperty("id").GetString()!;
            killed.Kill();
        }

        await _receiver.StartAsync();
        using var restarted = await ServiceProcess.StartAsync(Settings(database, deliver: true));
        var received = await _receiver.NextAsync(seconds: 60);

        Assert.True(WebhookReceiver.Verify(received, secret, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), restarted.Output);
        Assert.Equal(reviewId, JsonDocument.Parse(received.Body).RootElement.GetProperty("data").GetProperty("id").GetString());
    }

    [PostgresFact]
    [Trait("Storage", "PostgresOnly")]
    public async Task TwoInstancesDeliverEachEventOnce()
    {
        await _receiver.StartAsync();
        var database = Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"{Guid.NewGuid():N}");
        var settings = WebhookRequests.OnLoopback(new(TestPostgres.Settings(TestPostgres.Database(database))));
        using var a = new ReviewApp(database, settings);
        using var b = new ReviewApp(database, settings);
        var (webhook, _) = await a.WithKey(ReviewApp.AdminKey).SubscribeAsync(_receiver.Url, WebhookRequests.ReviewFinished);
        var clients = new[] { a.Analyst(), b.Analyst() };
        const int Reviews = 12;

        var reviews = await Task.WhenAll(Enumerable.Range(0, Reviews).Select(i =>
            clients[i % 2].SubmitAndWaitForAsync($"{Fixtures.Text("contract.txt")}\n\nCopy {i}.")));
        var deliveries = await a.WithKey(ReviewApp.AdminKey).WaitForDeliveriesAsync(webhook, d => d.Length == Reviews && d.All(x => x.Status() == "delivered"));

        Assert.All(deliveries, d => Assert.Equal("delivered", d.Status()));
        Assert.All(deliveries, d => Assert.Single(d.AttemptLog()));
        var received = _receiver.Drain();
        Assert.Equal(Reviews, received.Count);
        Assert.Equal(Reviews, received.Select(r => r.Delivery).Distinct().Count());
        Assert.Equal(reviews.Select(r => r.GetProperty("id").GetString()).Order(),
            received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("id").GetString()).Order());
    }
}
