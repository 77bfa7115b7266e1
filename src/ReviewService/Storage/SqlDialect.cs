using System.Data.Common;

namespace ReviewService.Storage;

/// <summary>Everything that differs between databases, in one place: connections, schema and the lease query.</summary>
public abstract class SqlDialect
{
    public abstract string Name { get; }
    public abstract DbConnection CreateConnection();

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }
    /// <summary>Numbered migrations, applied in order once each.</summary>
    public abstract IReadOnlyList<string> Migrations { get; }
    /// <summary>Leases one pending review: parameters @owner, @until, @now; returns its id.</summary>
    public abstract string ClaimNextSql { get; }
    /// <summary>True when only one instance can use the database, so leases left by a previous run can be freed at startup.</summary>
    public abstract bool SingleInstance { get; }
    public virtual Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;
}
