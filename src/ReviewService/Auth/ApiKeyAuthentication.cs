using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ReviewService.Storage;

namespace ReviewService.Auth;

/// <summary>Authenticates <c>X-Api-Key</c> by comparing its SHA-256 with the configured hashes in constant time.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptionsMonitor<AuthOptions> keys, IApiKeyStore issued, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    const string AuthorizationPrefix = "ApiKey ";

    /// <summary>Keys from configuration first (compared in constant time), then the keys admins issued through the API (unless revoked or expired).</summary>
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedKey(Request) is not { } key)
        {
            return AuthenticateResult.NoResult();
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var (name, roles) = keys.CurrentValue.ApiKeys.FirstOrDefault(k => Matches(k.KeySha256, hash)) is { } configured
            ? (configured.Name, configured.Roles)
            : await issued.FindActiveAsync(Convert.ToHexStringLower(hash), clock.GetUtcNow(), Context.RequestAborted) is { } record
                ? (record.Name, record.Roles)
                : (null, (IReadOnlyList<string>)[]);
        if (name is null)
        {
            return AuthenticateResult.Fail("Invalid API key.");
        }
        var claims = new List<Claim> { new(ClaimTypes.Name, name) };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary><c>X-Api-Key: k</c>, or <c>Authorization: ApiKey k</c> for clients that can only set that header (Prometheus).</summary>
    static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers[Header].ToString() is { Length: > 0 } header)
        {
            return header;
        }
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase) && authorization.Length > AuthorizationPrefix.Length
            ? authorization[AuthorizationPrefix.Length..].Trim()
            : null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{Header}\"";
        var detail = PresentedKey(Request) is not null ? "The API key is not valid." : $"Send an API key in the {Header} header (or a bearer token where the service accepts them).";
        await Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Results.Problem("Your credential does not have a role that may use this endpoint (see SECURITY.md for the roles).",
            statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(Context);

    static bool Matches(string configuredHex, byte[] hash)
    {
        if (configuredHex.Length != 64)
        {
            return false;
        }
        try
        {
            return CryptographicOperations.FixedTimeEquals(Convert.FromHexString(configuredHex), hash);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
