namespace ReviewService.Storage;

/// <summary>
/// An API key an admin issued: only its SHA-256 is kept; the key itself is shown once, when it is created.
/// <see cref="ExpiresAt"/> is null only for keys issued before keys expired.
/// </summary>
public sealed record ApiKeyRecord(
    Guid Id, string Name, string KeySha256, IReadOnlyList<string> Roles, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt = null, string? RevokedBy = null);

/// <summary>API keys managed through the admin API, beside the ones in configuration.</summary>
public interface IApiKeyStore
{
    /// <summary>False when the name is taken.</summary>
    Task<bool> CreateAsync(ApiKeyRecord key, CancellationToken ct);
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken ct);
    /// <summary>The key with this hash, unless it was revoked or has expired by <paramref name="now"/>.</summary>
    Task<ApiKeyRecord?> FindActiveAsync(string keySha256, DateTimeOffset now, CancellationToken ct);
    /// <summary>False when there is no such key or it was already revoked.</summary>
    Task<bool> RevokeAsync(Guid id, string by, DateTimeOffset at, CancellationToken ct);
}
