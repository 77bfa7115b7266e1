using System.Security.Claims;

namespace ReviewService.Auth;

/// <summary>Who a credential belongs to and what it may do: the web UI checks a key with it at sign-in.</summary>
public sealed record Account(string Name, IReadOnlyList<string> Roles);

public static class AccountApi
{
    public static RouteHandlerBuilder MapAccount(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/me", Get).WithTags("Account").WithSummary("The signed-in API key's name and roles");

    /// <summary>Roles as each identity names them: <c>ClaimTypes.Role</c> for API keys, the issuer's claim (<c>roles</c>) for tokens.</summary>
    public static Account Get(ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? "", [.. user.Identities.SelectMany(i => i.FindAll(i.RoleClaimType)).Select(c => c.Value).Distinct().Order()]);
}
