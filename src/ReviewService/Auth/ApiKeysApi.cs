using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ReviewService.Http;
using ReviewService.Storage;

namespace ReviewService.Auth;

/// <summary>A key to issue; it expires after <see cref="ExpiresInDays"/> (default <see cref="ApiKeysApi.DefaultLifetimeDays"/>).</summary>
public sealed record CreateApiKeyRequest(string? Name, IReadOnlyList<string>? Roles, int? ExpiresInDays = null);

/// <summary>A key as admins see it: never its hash; <see cref="Key"/> only in the answer that created it.</summary>
public sealed record ApiKeyView(Guid? Id, string Name, IReadOnlyList<string> Roles, string Source, string? CreatedBy, DateTimeOffset? CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string? RevokedBy, string? Key = null);

/// <summary>Admins issue and revoke API keys (<c>/v1/admin/keys</c>); a revoked or expired key stops working on its next request.</summary>
public static partial class ApiKeysApi
{
    public const int DefaultLifetimeDays = 90;
    public const int MaxLifetimeDays = 3650;

    public static RouteGroupBuilder MapApiKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/admin/keys").WithTags("Admin").RequireAuthorization(Access.Administer);
        group.MapPost("/", CreateAsync).WithSummary("Issue an API key (shown once, in this answer)");
        group.MapGet("/", ListAsync).WithSummary("Every key: configured and issued, active and revoked");
        group.MapDelete("/{id:guid}", RevokeAsync).WithSummary("Revoke an issued key");
        return group;
    }

    public static async Task<Results<Created<ApiKeyView>, ProblemHttpResult>> CreateAsync(
        CreateApiKeyRequest request, ClaimsPrincipal admin, IApiKeyStore store, IOptionsMonitor<AuthOptions> configured, TimeProvider clock,
        ILoggerFactory logs, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Name is null || !KeyName().IsMatch(request.Name))
        {
            errors["name"] = ["Use 1 to 100 letters, digits, '.', '_', '-' or '@'."];
        }
        if (request.Roles is not { Count: > 0 } roles || roles.Any(r => !Roles.All.Contains(r)))
        {
            errors["roles"] = [$"Give one or more of: {string.Join(", ", Roles.All)}."];
        }
        if (request.ExpiresInDays is < 1 or > MaxLifetimeDays)
        {
            errors["expiresInDays"] = [$"Give a lifetime of 1 to {MaxLifetimeDays} days, or leave it out for {DefaultLifetimeDays}."];
        }
        if (errors.Count > 0)
        {
            return new Failure(FailureKind.Invalid, "Invalid API key request", string.Join(" ", errors.Values.SelectMany(v => v)), errors).ToProblem();
        }
        var key = $"rsk_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        var now = clock.GetUtcNow();
        var record = new ApiKeyRecord(Guid.CreateVersion7(), request.Name!, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))),
            [.. request.Roles!.Distinct().Order()], admin.Identity!.Name!, now, now.AddDays(request.ExpiresInDays ?? DefaultLifetimeDays));
        if (configured.CurrentValue.ApiKeys.Any(k => k.Name == record.Name) || !await store.CreateAsync(record, ct))
        {
            return new Failure(FailureKind.Conflict, "Key name taken", $"There is already a key named '{record.Name}'. Choose another name, or revoke that key first.").ToProblem();
        }
        logs.CreateLogger(typeof(ApiKeysApi)).LogInformation("API key {KeyName} ({Roles}) issued by {Admin}, expires {ExpiresAt:O}",
            record.Name, string.Join(",", record.Roles), record.CreatedBy, record.ExpiresAt);
        return TypedResults.Created($"/v1/admin/keys/{record.Id}", View(record) with { Key = key });
    }

    public static async Task<Ok<ApiKeyView[]>> ListAsync(IApiKeyStore store, IOptionsMonitor<AuthOptions> configured, CancellationToken ct) =>
        TypedResults.Ok(configured.CurrentValue.ApiKeys.Select(k => new ApiKeyView(null, k.Name, k.Roles, "configuration", null, null, null, null, null))
            .Concat((await store.ListAsync(ct)).Select(View)).ToArray());

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid id, ClaimsPrincipal admin, IApiKeyStore store, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        if (!await store.RevokeAsync(id, admin.Identity!.Name!, clock.GetUtcNow(), ct))
        {
            return new Failure(FailureKind.NotFound, "Key not found", $"There is no active issued key {id}. Keys from configuration are removed from configuration.").ToProblem();
        }
        logs.CreateLogger(typeof(ApiKeysApi)).LogInformation("API key {KeyId} revoked by {Admin}", id, admin.Identity!.Name);
        return TypedResults.NoContent();
    }

    static ApiKeyView View(ApiKeyRecord k) => new(k.Id, k.Name, k.Roles, "issued", k.CreatedBy, k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.RevokedBy);

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,100}$")]
    private static partial Regex KeyName();
}
