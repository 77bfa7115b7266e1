using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ReviewService.Tests.Storage;

namespace ReviewService.Tests.Webhooks;

/// <summary>One request as the receiver got it: the raw body and the webhook headers.</summary>
public sealed record ReceivedWebhook(string Body, string? Signature, string? Event, string? Delivery);

/// <summary>
/// A real HTTP receiver on a loopback port (Kestrel): it can be down (not listening) and come up on the same port, answers the
/// status a test sets, and hands each request to the test as it arrives.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    WebApplication? _app;

    public int Port { get; } = ServiceProcess.FreePort();
    public string Url => $"http://127.0.0.1:{Port}/hooks";
    /// <summary>The status the receiver answers with; a 3xx also sends a Location.</summary>
    public int Status { get; set; } = 200;

    public static async Task<WebhookReceiver> StartedAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        return receiver;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hooks", async (HttpRequest request, HttpResponse response) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            _received.Writer.TryWrite(new ReceivedWebhook(body, request.Headers["X-ReviewService-Signature"], request.Headers["X-ReviewService-Event"],
                request.Headers["X-ReviewService-Delivery"]));
            response.StatusCode = Status;
            if (Status is >= 300 and < 400)
            {
                response.Headers.Location = $"http://127.0.0.1:{Port}/elsewhere";
            }
        });
        _app.MapPost("/elsewhere", () => Results.Ok());
        await _app.StartAsync();
    }

    /// <summary>The next request received, waiting at most <paramref name="seconds"/> (a bound for a broken service, not a wait the test relies on).</summary>
    public async Task<ReceivedWebhook> NextAsync(int seconds = 30) =>
        await _received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(seconds));

    /// <summary>Every request received so far, without waiting.</summary>
    public List<ReceivedWebhook> Drain()
    {
        var all = new List<ReceivedWebhook>();
        while (_received.Reader.TryRead(out var item))
        {
            all.Add(item);
        }
        return all;
    }

    /// <summary>
    /// Verifies a request as the README tells receivers to: split <c>t=…,v1=…</c>, compute HMAC-SHA256 of the secret over
    /// <c>t + "." + body</c>, compare in constant time, and refuse a timestamp older than <paramref name="tolerance"/>.
    /// </summary>
    public static bool Verify(ReceivedWebhook request, string secret, DateTimeOffset now, TimeSpan tolerance)
    {
        var parts = (request.Signature ?? "").Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1) || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{request.Body}"));
        var given = Convert.FromHexString(v1);
        return CryptographicOperations.FixedTimeEquals(expected, given) && (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() <= tolerance;
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
