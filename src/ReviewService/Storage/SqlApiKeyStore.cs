using System.Data.Common;
using Dapper;

namespace ReviewService.Storage;

public sealed class SqlApiKeyStore(SqlDialect dialect) : IApiKeyStore
{
    const string Columns = "id, name, key_sha256 AS KeySha256, roles, created_by AS CreatedBy, created_at AS CreatedAt, expires_at AS ExpiresAt, revoked_at AS RevokedAt, revoked_by AS RevokedBy";

    public async Task<bool> CreateAsync(ApiKeyRecord key, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        try
        {
            await db.ExecuteAsync(new CommandDefinition("""
                INSERT INTO api_keys (id, name, key_sha256, roles, created_by, created_at, expires_at)
                VALUES (@id, @name, @hash, @roles, @by, @at, @expires)
                """, new
            {
                id = key.Id.ToString(), name = key.Name, hash = key.KeySha256, roles = string.Join(',', key.Roles),
                by = key.CreatedBy, at = key.CreatedAt.ToUnixTimeMilliseconds(), expires = key.ExpiresAt?.ToUnixTimeMilliseconds(),
            }, cancellationToken: ct));
            return true;
        }
        catch (DbException)
        {
            // The unique name lost a race with another request (or the hash collided, which a random key never does).
            if (await NameTakenAsync(db, key.Name, ct))
            {
                return false;
            }
            throw;
        }
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var rows = await db.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM api_keys ORDER BY created_at, name", cancellationToken: ct));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<ApiKeyRecord?> FindActiveAsync(string keySha256, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var row = await db.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM api_keys WHERE key_sha256 = @keySha256 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)",
            new { keySha256, now = now.ToUnixTimeMilliseconds() }, cancellationToken: ct));
        return row?.ToRecord();
    }

    public async Task<bool> RevokeAsync(Guid id, string by, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        return await db.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @at, revoked_by = @by WHERE id = @id AND revoked_at IS NULL",
            new { id = id.ToString(), by, at = at.ToUnixTimeMilliseconds() }, cancellationToken: ct)) == 1;
    }

    static async Task<bool> NameTakenAsync(DbConnection db, string name, CancellationToken ct) =>
        await db.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM api_keys WHERE name = @name", new { name }, cancellationToken: ct)) > 0;

    sealed record Row(string Id, string Name, string KeySha256, string Roles, string CreatedBy, long CreatedAt, long? ExpiresAt, long? RevokedAt, string? RevokedBy)
    {
        public ApiKeyRecord ToRecord() => new(Guid.Parse(Id), Name, KeySha256, Roles.Split(',', StringSplitOptions.RemoveEmptyEntries), CreatedBy,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), Time(ExpiresAt), Time(RevokedAt), RevokedBy);

        static DateTimeOffset? Time(long? ms) => ms is { } t ? DateTimeOffset.FromUnixTimeMilliseconds(t) : null;
    }
}
