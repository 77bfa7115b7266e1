using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace ReviewService.Webhooks;

/// <summary>
/// Sends one delivery: the stored body as it is, signed now. The client follows no redirect and gives up after
/// <see cref="WebhookOptions.TimeoutSeconds"/>; the receiver's body is not read.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory http, TimeProvider clock)
{
    public const string HttpClientName = "webhooks";

    public async Task<DeliveryAttempt> SendAsync(DueDelivery due, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var delivery = due.Delivery;
        using var request = new HttpRequestMessage(HttpMethod.Post, due.Url)
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(due.Secret, at.ToUnixTimeSeconds(), delivery.Body));
        request.Headers.Add(WebhookSignature.EventHeader, delivery.EventType);
        request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.Id.ToString());
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return new DeliveryAttempt(at, (int)response.StatusCode, null, Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            return new DeliveryAttempt(at, null, Describe(e), Stopwatch.GetElapsedTime(started));
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DeliveryAttempt(at, null, "timed out", Stopwatch.GetElapsedTime(started));
        }
    }

    // The innermost message names the cause (connection refused, name not found, the guard's refusal); never the secret or body.
    static string Describe(HttpRequestException e) => e.InnerException switch
    {
        SocketException s => $"{s.SocketErrorCode}: {s.Message}",
        HttpRequestException inner => inner.Message,
        { } inner => inner.Message,
        null => e.Message,
    };
}
