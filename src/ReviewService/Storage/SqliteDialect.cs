using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace ReviewService.Storage;

/// <summary>SQLite: one file, WAL mode, one service instance.</summary>
public sealed class SqliteDialect(string connectionString) : SqlDialect, IDisposable
{
    readonly string _connectionString = new SqliteConnectionStringBuilder(connectionString)
    {
        ForeignKeys = true,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public override string Name => "sqlite";
    public override bool SingleInstance => true;

    public override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    /// <summary>How long a connection waits for SQLite's one writer: the command timeout.</summary>
    public const int BusyTimeoutMilliseconds = 30_000;

    /// <summary>
    /// A connection that waits for the writer in SQLite's own busy handler, which retries within milliseconds, up to
    /// <see cref="BusyTimeoutMilliseconds"/>. Without it SQLite answers "busy" at once and Microsoft.Data.Sqlite retries
    /// after sleeping 150 ms on a thread-pool thread: under eight concurrent reviews that sleep was most of the p99 (README,
    /// "Performance"). Waiting changes nothing that is written or when it is durable. Every connection starts with
    /// <c>synchronous = FULL</c> (each commit synced to disk), whatever a relaxed transaction left on the pooled connection.
    /// </summary>
    public override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = await base.OpenAsync(ct);
        await Pragma(connection, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = FULL;", ct);
        return connection;
    }

    /// <summary>
    /// This process's write transactions take turns at SQLite's one writer in arrival order, waiting asynchronously, before
    /// they ask SQLite for the write lock. Left to SQLite, a writer that finds the lock taken sleeps in its busy handler for 1,
    /// 2, 5, 10, … 100 ms between tries, and whichever wakes first wins, whoever came first: under eight concurrent reviews
    /// those sleeps were the p99 (README, "Performance"). A turn lasts until its connection closes (the stores close each one
    /// right after its transaction); a second transaction on the same connection keeps it. Only this process's transactions
    /// take turns: a write outside a transaction, or another process's, still waits in the busy handler. A relaxed commit is
    /// <c>synchronous = NORMAL</c>: in WAL mode the WAL is synced at checkpoints, not at each commit.
    /// </summary>
    public override async Task<DbTransaction> BeginAsync(DbConnection db, Commit commit, CancellationToken ct)
    {
        if (!_turns.TryGetValue(db, out _))
        {
            await _writer.WaitAsync(ct);
            var turn = new Turn(_writer);
            _turns.Add(db, turn);
            db.StateChange += (_, change) =>
            {
                if (change.CurrentState == ConnectionState.Closed)
                {
                    _turns.Remove(db);
                    turn.Dispose();
                }
            };
        }
        if (commit == Commit.Relaxed)
        {
            await Pragma(db, "PRAGMA synchronous = NORMAL;", ct);
        }
        return await db.BeginTransactionAsync(ct);
    }

    readonly SemaphoreSlim _writer = new(1, 1);
    readonly ConditionalWeakTable<DbConnection, Turn> _turns = [];

    public void Dispose() => _writer.Dispose();

    /// <summary>A connection's turn at the writer, given back once.</summary>
    sealed class Turn(SemaphoreSlim writer) : IDisposable
    {
        int _returned;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                writer.Release();
            }
        }
    }

    static async Task Pragma(DbConnection db, string pragma, CancellationToken ct)
    {
        await using var command = db.CreateCommand();
        command.CommandText = pragma;
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task PrepareAsync(CancellationToken ct)
    {
        var file = new SqliteConnectionStringBuilder(_connectionString).DataSource;
        if (!string.IsNullOrEmpty(file) && file != ":memory:")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        }
        await using var connection = CreateConnection();
        await connection.OpenAsync(ct);
        await Pragma(connection, "PRAGMA journal_mode=WAL;", ct);
    }

    public override IReadOnlyList<string> Migrations { get; } =
    [
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
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            completed_at INTEGER,
            lease_owner TEXT,
            lease_until INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX ix_reviews_pending ON reviews (status, created_at);
        CREATE INDEX ix_reviews_created ON reviews (created_at, id);
        CREATE TABLE documents (
            review_id TEXT PRIMARY KEY REFERENCES reviews (id),
            content BLOB,
            text TEXT
        );
        CREATE TABLE queue_items (
            id TEXT PRIMARY KEY,
            review_id TEXT NOT NULL REFERENCES reviews (id),
            policy TEXT NOT NULL,
            check_name TEXT NOT NULL,
            reason TEXT NOT NULL,
            severity TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (review_id, check_name)
        );
        """,
        """
        ALTER TABLE reviews ADD COLUMN degraded_reason TEXT;
        ALTER TABLE reviews ADD COLUMN llm_usage TEXT;
        ALTER TABLE reviews ADD COLUMN llm_tokens INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX ix_reviews_completed ON reviews (completed_at);
        """,
        // The reviewers' queue: one item per review (its checks in queue_checks), reviewer verdicts, and an append-only audit log.
        """
        ALTER TABLE queue_items RENAME TO queue_checks;
        CREATE TABLE queue (
            id TEXT PRIMARY KEY,
            review_id TEXT NOT NULL UNIQUE REFERENCES reviews (id),
            policy TEXT NOT NULL,
            kind TEXT NOT NULL,
            priority INTEGER NOT NULL,
            status TEXT NOT NULL,
            lease_owner TEXT,
            lease_until INTEGER,
            created_at INTEGER NOT NULL,
            resolved_at INTEGER,
            resolved_by TEXT
        );
        CREATE INDEX ix_queue_open ON queue (status, priority DESC, created_at);
        INSERT INTO queue (id, review_id, policy, kind, priority, status, created_at)
        SELECT MIN(id), review_id, MIN(policy), 'review',
               MAX(CASE severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END), 'open', MIN(created_at)
        FROM queue_checks GROUP BY review_id;
        CREATE TABLE verdicts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
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
            created_at INTEGER NOT NULL
        );
        CREATE INDEX ix_verdicts_policy ON verdicts (policy, created_at);
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            review_id TEXT NOT NULL,
            queue_id TEXT,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            check_name TEXT,
            previous TEXT,
            current TEXT,
            comment TEXT,
            at INTEGER NOT NULL
        );
        CREATE INDEX ix_audit_review ON audit_log (review_id, id);
        CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        """,
        """
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            key_sha256 TEXT NOT NULL UNIQUE,
            roles TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER,
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
    ];

    // SQLite serialises writers, so the sub-select and the update are one atomic step.
    public override string ClaimNextSql => """
        UPDATE reviews SET lease_owner = @owner, lease_until = @until, attempts = attempts + 1
        WHERE id = (SELECT id FROM reviews
                    WHERE status = 'pending' AND (lease_until IS NULL OR lease_until < @now)
                    ORDER BY created_at LIMIT 1)
        RETURNING id;
        """;
}
