using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ReviewService.Auth;

/// <summary>An API key as configured: only its SHA-256 is stored (<c>Auth:ApiKeys:N:KeySha256</c>).</summary>
public sealed class ApiKeyEntry
{
    public string Name { get; set; } = "";
    public string KeySha256 { get; set; } = "";
    public List<string> Roles { get; set; } = [];
}

public sealed class AuthOptions
{
    public const string Section = "Auth";
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];
}

public static class Roles
{
    public const string Analyst = "analyst";
    public const string Reviewer = "reviewer";
    public const string Operator = "operator";
    public const string Admin = "admin";
    public static readonly IReadOnlySet<string> All = new HashSet<string> { Analyst, Reviewer, Operator, Admin };
}

/// <summary>Authenticates <c>X-Api-Key</c> by comparing its SHA-256 with the configured hashes in constant time.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptionsMonitor<AuthOptions> keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(values[0]!));
        var match = keys.CurrentValue.ApiKeys.FirstOrDefault(k => Matches(k.KeySha256, hash));
        if (match is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid API key."));
        }
        var claims = new List<Claim> { new(ClaimTypes.Name, match.Name) };
        claims.AddRange(match.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{Header}\"";
        var detail = Request.Headers.ContainsKey(Header) ? "The API key is not valid." : $"Send an API key in the {Header} header.";
        await Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Results.Problem("Your API key does not have a role that may use this endpoint.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden")
            .ExecuteAsync(Context);

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

public static class AuthExtensions
{
    public static WebApplicationBuilder AddApiKeyAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => o.ApiKeys.All(k => k.KeySha256.Length == 64 && k.Name.Length > 0), "Every Auth:ApiKeys entry needs a Name and a 64-hex-digit KeySha256.")
            .Validate(o => o.ApiKeys.All(k => k.Roles.All(Roles.All.Contains)), $"API key roles must be among: {string.Join(", ", Roles.All)}.")
            .ValidateOnStart();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        // Everything needs a credential unless an endpoint says otherwise (only health does).
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }
}
