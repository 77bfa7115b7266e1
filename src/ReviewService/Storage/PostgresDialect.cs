using System.Data.Common;
using System.Diagnostics;
using Npgsql;
using ReviewService.Telemetry;

namespace ReviewService.Storage;

/// <summary>PostgreSQL: one database shared by any number of service instances.</summary>
public sealed class PostgresDialect : SqlDialect, IDisposable
{
    readonly NpgsqlDataSource _dataSource;

    public PostgresDialect(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new InvalidOperationException("ConnectionStrings:Reviews must name a PostgreSQL Host when Storage:Provider is 'Postgres'.");
        }
        // Statements used again and again are prepared once per pooled connection (Npgsql's automatic preparation): the server
        // no longer parses and plans each, which took about a third of its CPU per review under load (README, "Performance").
        // A connection string that says otherwise keeps its own (Max Auto Prepare=0 behind PgBouncer's transaction pooling).
        if (!Sets(connectionString, nameof(builder.MaxAutoPrepare)))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }
        // Database spans only inside a trace (a request, a review's processing): the workers' idle polling, migrations and
        // retention sweeps would otherwise make a root span every few hundred milliseconds.
        _dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString)
            .ConfigureTracing(t => t.ConfigureCommandFilter(_ => Activity.Current is not null).EnablePhysicalOpenTracing(false))
            .Build();
    }

    /// <summary>How many distinct statements each pooled connection keeps prepared unless the connection string says.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>True when <paramref name="connectionString"/> sets <paramref name="setting"/> itself, however it spaces its name.</summary>
    static bool Sets(string connectionString, string setting) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(key => string.Equals(key.Replace(" ", ""), setting, StringComparison.OrdinalIgnoreCase));

    public override string Name => "postgres";

    /// <summary>Other instances may hold live leases: nothing may be freed at startup, expired leases are taken over instead.</summary>
    public override bool SingleInstance => false;

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    /// <summary>A relaxed commit returns before the server has flushed its WAL (<c>SET LOCAL</c>: this transaction only).</summary>
    public override async Task<DbTransaction> BeginAsync(DbConnection db, Commit commit, CancellationToken ct)
    {
        var tx = await db.BeginTransactionAsync(ct);
        if (commit == Commit.Relaxed)
        {
            await using var relax = db.CreateCommand();
            relax.Transaction = tx;
            relax.CommandText = "SET LOCAL synchronous_commit = off";
            await relax.ExecuteNonQueryAsync(ct);
        }
        return tx;
    }

    // Instances starting together take turns: the second finds the migrations applied.
    public override string MigrationLockSql => "SELECT pg_advisory_xact_lock(8072026)";

    public override async Task NotifyAsync(DbConnection db, string channel, string payload)
    {
        try
        {
            await using var notify = db.CreateCommand();
            notify.CommandText = "SELECT pg_notify(@channel, @payload)";
            notify.Parameters.Add(new NpgsqlParameter("channel", channel));
            notify.Parameters.Add(new NpgsqlParameter("payload", payload));
            await notify.ExecuteNonQueryAsync();
        }
        catch (DbException)
        {
            // The change is committed; the other instances' polling finds it. Counted, not thrown at a caller whose write succeeded.
            ReviewTelemetry.StoreErrors.Add(1, new KeyValuePair<string, object?>("operation", "notify"));
        }
    }

    // Dapper sends a list as one array parameter to PostgreSQL instead of expanding it.
    public override string SkipLocked => " FOR UPDATE SKIP LOCKED";
    public override string AnyOf(string column, string parameter) => $"{column} = ANY({parameter})";

    public override IReadOnlyList<string> Migrations { get; } =
    [
        // The schema SQLite reached with its migrations 1 to 4: reviews and documents, the reviewers' queue, verdicts, the append-only
        // audit log, API keys issued by admins.
        """
        CREATE TABLE reviews (
            id TEXT PRIMARY KEY,
            policy TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            status TEXT NOT NULL,
            document TEXT NOT NULL,
            external_ref TEXT,
            metadata TEXT NOT NULL,
            decision TEXT,
            findings TEXT,
            error TEXT,
            idempotency_key TEXT UNIQUE,
            request_hash TEXT NOT NULL,
            submitter TEXT,
            trace_parent TEXT,
            trace_id TEXT,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            completed_at BIGINT,
            lease_owner TEXT,
            lease_until BIGINT,
            attempts BIGINT NOT NULL DEFAULT 0,
            degraded_reason TEXT,
            llm_usage TEXT,
            llm_tokens BIGINT NOT NULL DEFAULT 0
        );
        CREATE INDEX ix_reviews_pending ON reviews (created_at) WHERE status = 'pending';
        CREATE INDEX ix_reviews_status ON reviews (status, created_at);
        CREATE INDEX ix_reviews_created ON reviews (created_at, id);
        CREATE INDEX ix_reviews_completed ON reviews (completed_at);
        CREATE TABLE documents (
            review_id TEXT PRIMARY KEY REFERENCES reviews (id),
            content BYTEA,
            text TEXT
        );
        CREATE TABLE queue_checks (
            id TEXT PRIMARY KEY,
            review_id TEXT NOT NULL REFERENCES reviews (id),
            policy TEXT NOT NULL,
            check_name TEXT NOT NULL,
            reason TEXT NOT NULL,
            severity TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            UNIQUE (review_id, check_name)
        );
        CREATE TABLE queue (
            id TEXT PRIMARY KEY,
            review_id TEXT NOT NULL UNIQUE REFERENCES reviews (id),
            policy TEXT NOT NULL,
            kind TEXT NOT NULL,
            priority BIGINT NOT NULL,
            status TEXT NOT NULL,
            lease_owner TEXT,
            lease_until BIGINT,
            created_at BIGINT NOT NULL,
            resolved_at BIGINT,
            resolved_by TEXT
        );
        CREATE INDEX ix_queue_open ON queue (status, priority DESC, created_at);
        CREATE TABLE verdicts (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            queue_id TEXT NOT NULL REFERENCES queue (id),
            review_id TEXT NOT NULL REFERENCES reviews (id),
            policy TEXT NOT NULL,
            check_name TEXT NOT NULL,
            reason TEXT NOT NULL,
            outcome TEXT NOT NULL,
            automated_outcome TEXT NOT NULL,
            automated_by TEXT,
            suggested_outcome TEXT,
            reviewer TEXT NOT NULL,
            comment TEXT,
            created_at BIGINT NOT NULL
        );
        CREATE INDEX ix_verdicts_policy ON verdicts (policy, created_at);
        CREATE TABLE audit_log (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            review_id TEXT NOT NULL,
            queue_id TEXT,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            check_name TEXT,
            previous TEXT,
            current TEXT,
            comment TEXT,
            at BIGINT NOT NULL
        );
        CREATE INDEX ix_audit_review ON audit_log (review_id, id);
        CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS
            'BEGIN RAISE EXCEPTION ''audit_log is append-only''; END';
        CREATE TRIGGER audit_log_is_append_only BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
        CREATE TRIGGER audit_log_is_append_only_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            key_sha256 TEXT NOT NULL UNIQUE,
            roles TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            revoked_at BIGINT,
            revoked_by TEXT
        );
        """,
        RetentionMigration,
        KeyExpiryMigration,
        WebhooksMigration,
        BatchesMigration,
        RevisionsMigration,
        ReplaysMigration,
        BatchIdempotencyMigration,
        ReplayTokensMigration,
        // The large values (a document's bytes and text, findings, decisions) are compressed with LZ4 instead of pglz, which was
        // a fifth of the server's CPU under load (README, "Performance"). New rows only; a server built without LZ4 keeps pglz.
        """
        DO $$
        BEGIN
            ALTER TABLE documents ALTER COLUMN content SET COMPRESSION lz4, ALTER COLUMN text SET COMPRESSION lz4;
            ALTER TABLE reviews ALTER COLUMN document SET COMPRESSION lz4, ALTER COLUMN findings SET COMPRESSION lz4,
                ALTER COLUMN decision SET COMPRESSION lz4;
            ALTER TABLE review_revisions ALTER COLUMN findings SET COMPRESSION lz4, ALTER COLUMN decision SET COMPRESSION lz4;
        EXCEPTION WHEN feature_not_supported THEN
            RAISE NOTICE 'LZ4 compression is not available on this server; large values stay compressed with pglz.';
        END $$;
        """,
    ];

    // Another instance's worker may hold the oldest pending row: skip it rather than wait, so workers never queue behind each other.
    public override string ClaimNextSql => """
        UPDATE reviews SET lease_owner = @owner, lease_until = @until, attempts = attempts + 1
        WHERE id = (SELECT id FROM reviews
                    WHERE status = 'pending' AND (lease_until IS NULL OR lease_until < @now)
                    ORDER BY created_at LIMIT 1
                    FOR UPDATE SKIP LOCKED)
        RETURNING id;
        """;

    public void Dispose() => _dataSource.Dispose();
}
