using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace ReviewService.Auth;

/// <summary>An API key as configured: only its SHA-256 is stored (<c>Auth:ApiKeys:N:KeySha256</c>).</summary>
public sealed class ApiKeyEntry
{
    public string Name { get; set; } = "";
    public string KeySha256 { get; set; } = "";
    public List<string> Roles { get; set; } = [];
}

/// <summary>Bearer tokens from an OpenID Connect issuer (Entra ID or any other); off while <see cref="Authority"/> is empty.</summary>
public sealed class JwtOptions
{
    /// <summary>The issuer, e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>; its discovery document gives the signing keys.</summary>
    public string? Authority { get; set; }
    public string? Audience { get; set; }
    /// <summary>The claim holding the roles (<c>roles</c> for Entra ID app roles); its values must be the service's role names.</summary>
    public string RoleClaim { get; set; } = "roles";
    /// <summary>The claim naming the caller: what reviews record as their submitter and what an analyst's reads are scoped by.</summary>
    public string NameClaim { get; set; } = "sub";
    public bool RequireHttpsMetadata { get; set; } = true;
}

public sealed class AuthOptions
{
    public const string Section = "Auth";
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];
    public JwtOptions Jwt { get; set; } = new();
}

public static class Roles
{
    public const string Analyst = "analyst";
    public const string Reviewer = "reviewer";
    public const string Operator = "operator";
    public const string Admin = "admin";
    public static readonly IReadOnlySet<string> All = new HashSet<string> { Analyst, Reviewer, Operator, Admin };
}

public static class AuthExtensions
{
    const string Credential = "Credential";

    /// <summary>API keys (<c>X-Api-Key</c> or <c>Authorization: ApiKey …</c>) and, when an issuer is configured, OIDC bearer tokens.</summary>
    public static WebApplicationBuilder AddCredentials(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => o.ApiKeys.All(k => k.KeySha256.Length == 64 && k.Name.Length > 0), "Every Auth:ApiKeys entry needs a Name and a 64-hex-digit KeySha256.")
            .Validate(o => o.ApiKeys.All(k => k.Roles.All(Roles.All.Contains)), $"API key roles must be among: {string.Join(", ", Roles.All)}.")
            .Validate(o => string.IsNullOrEmpty(o.Jwt.Authority) || !string.IsNullOrEmpty(o.Jwt.Audience), "Auth:Jwt:Audience is required when Auth:Jwt:Authority is set.")
            .ValidateOnStart();
        var jwt = builder.Configuration.GetSection($"{AuthOptions.Section}:Jwt").Get<JwtOptions>() ?? new JwtOptions();
        var bearerOn = !string.IsNullOrEmpty(jwt.Authority);

        var authentication = builder.Services.AddAuthentication(Credential)
            .AddPolicyScheme(Credential, Credential, o => o.ForwardDefaultSelector = context =>
                bearerOn && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (bearerOn)
        {
            authentication.AddJwtBearer(o =>
            {
                o.Authority = jwt.Authority;
                o.Audience = jwt.Audience;
                o.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
                // Claims keep the issuer's names, so RoleClaim and NameClaim mean what the issuer's documentation says.
                o.MapInboundClaims = false;
                o.TokenValidationParameters.RoleClaimType = jwt.RoleClaim;
                o.TokenValidationParameters.NameClaimType = jwt.NameClaim;
            });
        }
        builder.Services.AddAuthorizationBuilder().AddAccessPolicies();
        return builder;
    }
}
