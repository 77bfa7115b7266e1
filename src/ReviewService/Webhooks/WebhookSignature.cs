using System.Security.Cryptography;
using System.Text;

namespace ReviewService.Webhooks;

/// <summary>
/// <c>X-ReviewService-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of the secret over t + "." + raw body&gt;</c>, as Stripe
/// signs: the timestamp is signed with the body, so a receiver can refuse a replayed request by its age (README, "Webhooks").
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-ReviewService-Signature";
    public const string EventHeader = "X-ReviewService-Event";
    public const string DeliveryHeader = "X-ReviewService-Delivery";

    public static string Sign(string secret, long unixSeconds, string body) =>
        $"t={unixSeconds},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds}.{body}")))}";

    /// <summary>A new secret when the subscriber gives none: 32 random bytes.</summary>
    public static string NewSecret() => $"whsec_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}";
}
