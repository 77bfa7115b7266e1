using System.Net;
using System.Net.Sockets;

namespace ReviewService.Webhooks;

/// <summary>
/// A webhook is a request the service makes to an address a caller chose: without a guard, a caller could reach the
/// service's own network (SSRF). Unless <see cref="WebhookOptions.AllowPrivateNetworks"/>, loopback, link-local, private,
/// shared, multicast and reserved addresses are refused: at subscription for an address or <c>localhost</c> in the URL, and
/// at every connection for what the name resolves to then (so a name that later resolves inward is refused too).
/// </summary>
public static class NetworkGuard
{
    static readonly IPNetwork[] Refused = [.. new[]
    {
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4", "::/128", "::1/128", "64:ff9b::/96", "fc00::/7", "fe80::/10", "ff00::/8",
    }.Select(IPNetwork.Parse)];

    public static bool IsPrivate(IPAddress address)
    {
        var a = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return Refused.Any(n => n.Contains(a));
    }

    /// <summary>Why <paramref name="url"/> cannot be a webhook target, or null when it can.</summary>
    public static string? Refusal(string? url, bool allowPrivate)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "Give an absolute http or https URL, e.g. https://example.com/hooks/reviews.";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "Leave credentials out of the URL; verify requests with the signature instead.";
        }
        if (allowPrivate)
        {
            return null;
        }
        var host = uri.IdnHost.TrimEnd('.');
        var isLocalName = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        return isLocalName || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IsPrivate(address))
            ? $"'{uri.Host}' is a loopback, link-local or private address, which webhooks may not reach (Webhooks:AllowPrivateNetworks is false)."
            : null;
    }

    /// <summary>The connection step of the webhook client: resolves the host, drops refused addresses, connects to the rest.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connect(bool allowPrivate) => async (context, ct) =>
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = allowPrivate ? addresses : [.. addresses.Where(a => !IsPrivate(a))];
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(
                $"Refused: {host} resolves only to loopback, link-local or private addresses ({string.Join(", ", addresses.Select(a => a.ToString()))}); Webhooks:AllowPrivateNetworks is false.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };
}
