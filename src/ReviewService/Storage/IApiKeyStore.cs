namespace ReviewService.Storage;

/// <summary>An API key an admin issued: only its SHA-256 is kept; the key itself is shown once, when it is created.</summary>
public sealed record ApiKeyRecord(
    Guid Id, string Name, string KeySha256, IReadOnlyList<string> Roles, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt = null, string? RevokedBy = null);

/// <summary>API keys managed through the admin API, beside the ones in configuration.</summary>
public interface IApiKeyStore
{
    /// <summary>False when the name is taken.</summary>
    Task<bool> CreateAsync(ApiKeyRecord key, CancellationToken ct);
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken ct);
    /// <summary>The key with this hash, unless it was revoked.</summary>
    Task<ApiKeyRecord?> FindActiveAsync(string keySha256, CancellationToken ct);
    /// <summary>False when there is no such key or it was already revoked.</summary>
    Task<bool> RevokeAsync(Guid id, string by, DateTimeOffset at, CancellationToken ct);
}
