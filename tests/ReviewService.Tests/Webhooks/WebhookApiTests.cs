using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReviewService.Tests.ReviewQueue;
using ReviewService.Webhooks;

namespace ReviewService.Tests.Webhooks;

/// <summary>Subscriptions: what is accepted, what is refused and why, the secret, and the guard against requests into the service's own network.</summary>
public sealed class WebhookApiTests : IAsyncDisposable
{
    readonly WebhookReceiver _receiver = new();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task ASubscriptionWithoutASecretGetsOneShownOnceAndCanBeRemoved()
    {
        using var app = new ReviewApp();
        var analyst = app.Analyst();
        using var created = await analyst.PostAsJsonAsync("/v1/webhooks", new { url = "https://example.com/hooks", events = new[] { "review.completed" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var webhook = await created.JsonAsync();
        Assert.StartsWith("whsec_", webhook.GetProperty("secret").GetString());
        Assert.Equal("own-reviews", webhook.GetProperty("scope").GetString());
        var id = webhook.GetProperty("id").GetString();
        Assert.Equal($"/v1/webhooks/{id}", created.Headers.Location?.OriginalString);

        var listed = Assert.Single((await (await analyst.GetAsync("/v1/webhooks")).JsonAsync()).EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("secret").ValueKind);
        Assert.Empty((await (await app.WithKey(ReviewApp.Analyst2Key).GetAsync("/v1/webhooks")).JsonAsync()).EnumerateArray());
        Assert.Equal("all-reviews", (await (await app.WithKey(ReviewApp.AdminKey).PostAsJsonAsync("/v1/webhooks",
            new { url = "https://example.com/all", events = new[] { "review.failed" }, secret = "a-secret-of-sixteen+" })).JsonAsync()).GetProperty("scope").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await app.WithKey(ReviewApp.Analyst2Key).DeleteAsync($"/v1/webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await analyst.DeleteAsync($"/v1/webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync($"/v1/webhooks/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("ftp://example.com/hooks", "review.completed", "http or https")]
    [InlineData("/relative", "review.completed", "absolute")]
    [InlineData("https://user:pass@example.com/", "review.completed", "credentials")]
    [InlineData("http://127.0.0.1:8080/hooks", "review.completed", "AllowPrivateNetworks")]
    [InlineData("http://localhost/hooks", "review.completed", "AllowPrivateNetworks")]
    [InlineData("http://[::1]/hooks", "review.completed", "AllowPrivateNetworks")]
    [InlineData("http://169.254.169.254/latest/meta-data", "review.completed", "AllowPrivateNetworks")]
    [InlineData("http://10.1.2.3/hooks", "review.completed", "AllowPrivateNetworks")]
    [InlineData("https://example.com/hooks", "review.done", "'review.done' is not an event")]
    [InlineData("https://example.com/hooks", null, "Name the events")]
    public async Task ARefusedSubscriptionSaysWhatToChange(string url, string? @event, string expected)
    {
        using var app = new ReviewApp();
        using var response = await app.Analyst().PostAsJsonAsync("/v1/webhooks", new { url, events = @event is null ? Array.Empty<string>() : [@event] });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, (await response.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ANameThatResolvesToLoopbackIsRefusedAtConnectionUnlessPrivateNetworksAreAllowed()
    {
        await _receiver.StartAsync();
        var database = Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"{Guid.NewGuid():N}.db");
        // A subscription made while private networks were allowed, to a name rather than an address...
        string webhook;
        using (var allowing = new ReviewApp(database, WebhookRequests.OnLoopback(new() { ["Processing:Enabled"] = "false" })))
        {
            (webhook, _) = await allowing.Analyst().SubscribeAsync($"http://localhost:{_receiver.Port}/hooks", WebhookRequests.ReviewFinished);
        }
        // ...is not delivered by an instance where they are not: the name resolves to loopback when it connects.
        using var app = new ReviewApp(database);
        var analyst = app.Analyst();
        await analyst.SubmitAndWaitForAsync(Fixtures.Text("contract.txt"));
        var delivery = Assert.Single(await analyst.WaitForDeliveriesAsync(webhook, d => d.Length == 1 && d[0].GetProperty("attempts").GetInt32() == 1));
        Assert.Contains("Refused: localhost resolves only to loopback, link-local or private addresses", Assert.Single(delivery.AttemptLog()).GetProperty("error").GetString());
        Assert.Empty(_receiver.Drain());
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryEventItsBodyAndItsSignature()
    {
        using var app = new ReviewApp(settings: new() { ["Api:Docs"] = "true" });
        var document = JsonDocument.Parse(await (await app.Analyst().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync()).RootElement;

        var webhooks = document.GetProperty("webhooks");
        Assert.Equal(WebhookEvents.All.Order(), webhooks.EnumerateObject().Select(w => w.Name).Order());
        var post = webhooks.GetProperty("review.completed").GetProperty("post");
        Assert.Contains(post.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "X-ReviewService-Signature");
        var body = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var text = body.GetRawText();
        Assert.All(new[] { "createdAt", "data" }, p => Assert.Contains(p, text, StringComparison.Ordinal));
        Assert.Contains(document.GetProperty("paths").EnumerateObject(), p => p.Name == "/v1/webhooks/{id}/deliveries");
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.5", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", false)]
    public void PrivateLoopbackAndLinkLocalAddressesAreRecognised(string address, bool refused) =>
        Assert.Equal(refused, NetworkGuard.IsPrivate(IPAddress.Parse(address)));

    [Fact]
    public void RetriesBackOffExponentiallyWithJitterUpToTheCapAndStopAtTheEndOfTheWindow()
    {
        var options = new WebhookOptions { FirstRetryDelaySeconds = 10, MaxRetryDelaySeconds = 3600, RetryHours = 24 };
        Assert.Equal(TimeSpan.FromSeconds(5), WebhookDispatcher.RetryDelay(1, options, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(10), WebhookDispatcher.RetryDelay(1, options, random: 1));
        Assert.Equal(TimeSpan.FromSeconds(80), WebhookDispatcher.RetryDelay(4, options, random: 1));
        Assert.Equal(TimeSpan.FromSeconds(1800), WebhookDispatcher.RetryDelay(40, options, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(3600), WebhookDispatcher.RetryDelay(40, options, random: 1));

        // Worst case (every delay its longest), the last attempt still falls in the 24 hours, and there are more than 20 of them.
        var start = DateTimeOffset.UnixEpoch;
        var delivery = new Delivery(Guid.NewGuid(), Guid.NewGuid(), "evt_1", "review.completed", "{}", DeliveryStatus.Pending, 0, start, start, start, null, null);
        var attempts = 0;
        for (var at = start; ; attempts++)
        {
            var outcome = WebhookDispatcher.Next(delivery with { Attempts = attempts }, new DeliveryAttempt(at, 503, null, TimeSpan.Zero), options, random: 1);
            if (outcome.Status == DeliveryStatus.Failed)
            {
                Assert.True(at + TimeSpan.FromHours(1) > start + TimeSpan.FromHours(24), $"gave up at {at - start}");
                break;
            }
            Assert.Equal(DeliveryStatus.Pending, outcome.Status);
            at = outcome.NextAttemptAt!.Value;
        }
        Assert.InRange(attempts, 20, 40);
        Assert.Equal(DeliveryStatus.Delivered,
            WebhookDispatcher.Next(delivery, new DeliveryAttempt(start, 204, null, TimeSpan.Zero), options, random: 0.5).Status);
    }
}
