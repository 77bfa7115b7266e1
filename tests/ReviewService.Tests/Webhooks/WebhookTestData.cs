using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ReviewService.Tests.Webhooks;

/// <summary>Webhook requests over HTTP, shared by the webhook tests.</summary>
public static class WebhookRequests
{
    public static readonly string[] ReviewFinished = ["review.completed", "review.needs_review"];

    /// <summary>Settings that let webhooks reach a receiver on loopback (refused by default: SSRF).</summary>
    public static Dictionary<string, string?> OnLoopback(Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        settings["Webhooks:AllowPrivateNetworks"] = "true";
        settings["Webhooks:PollSeconds"] = Poll.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>Subscribes <paramref name="url"/>; returns the subscription's id and secret.</summary>
    public static async Task<(string Id, string Secret)> SubscribeAsync(this HttpClient client, string url, IEnumerable<string> events, string? secret = null)
    {
        using var response = await client.PostAsJsonAsync("/v1/webhooks", new { url, events, secret });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    public static async Task<JsonElement[]> DeliveriesAsync(this HttpClient client, string webhookId) =>
        [.. (await (await client.GetAsync($"/v1/webhooks/{webhookId}/deliveries")).JsonAsync()).GetProperty("items").EnumerateArray()];

    /// <summary>Reads the delivery log until <paramref name="done"/> holds (attempts are recorded in the background), at most 30 s.</summary>
    public static async Task<JsonElement[]> WaitForDeliveriesAsync(this HttpClient client, string webhookId, Func<JsonElement[], bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var deliveries = await client.DeliveriesAsync(webhookId);
            if (done(deliveries) || DateTime.UtcNow > deadline)
            {
                return deliveries;
            }
            await Task.Delay(50);
        }
    }

    /// <summary>How often the dispatcher looks for due deliveries in the tests on the fake clock: a wait no other part of the service makes.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Moves the fake clock by <paramref name="by"/> and returns once the dispatcher waits for its next poll again, so the
    /// test moves time only while the dispatcher waits (a timer set after a move would be due a whole poll later).
    /// </summary>
    public static async Task StepAsync(this TestClock clock, TimeSpan by)
    {
        var waiting = clock.NextWaitAsync(Poll);
        clock.Advance(by);
        await waiting;
    }

    public static string Status(this JsonElement delivery) => delivery.GetProperty("status").GetString()!;

    public static JsonElement[] AttemptLog(this JsonElement delivery) => [.. delivery.GetProperty("attemptLog").EnumerateArray()];
}
