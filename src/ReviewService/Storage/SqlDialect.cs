using System.Data.Common;

namespace ReviewService.Storage;

/// <summary>Everything that differs between databases, in one place: connections, schema and the lease query.</summary>
public abstract class SqlDialect
{
    public abstract string Name { get; }
    public abstract DbConnection CreateConnection();

    public virtual async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }
    /// <summary>
    /// Begins a transaction whose commit is <see cref="Commit.Durable"/> (on disk before the commit returns) unless
    /// <paramref name="commit"/> relaxes it; every other write of the service is durable. The one way the stores begin one.
    /// </summary>
    public virtual async Task<DbTransaction> BeginAsync(DbConnection db, Commit commit, CancellationToken ct) => await db.BeginTransactionAsync(ct);

    /// <summary>Numbered migrations, applied in order once each.</summary>
    public abstract IReadOnlyList<string> Migrations { get; }
    /// <summary>Leases one pending review: parameters @owner, @until, @now; returns its id.</summary>
    public abstract string ClaimNextSql { get; }
    /// <summary>True when only one instance can use the database, so leases left by a previous run can be freed at startup.</summary>
    public abstract bool SingleInstance { get; }
    public virtual Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;
    /// <summary>Run first in the migration transaction so instances starting together migrate one at a time; none when the database serialises writers itself.</summary>
    public virtual string? MigrationLockSql => null;
    /// <summary>Appended to a sub-select that leases rows, so a concurrent writer skips the rows another holds instead of waiting (none where writers are serialised).</summary>
    public virtual string SkipLocked => "";
    /// <summary>A condition that <paramref name="column"/> is one of the list in <paramref name="parameter"/>.</summary>
    public virtual string AnyOf(string column, string parameter) => $"{column} IN {parameter}";

    /// <summary>
    /// Tells the other instances on the database, after a commit (<see cref="ReviewNotifications"/>); nothing where one
    /// instance has the database to itself. Sent outside the transaction: a notifying commit takes a database-wide lock,
    /// which must not be held across a durable commit's flush. A notification lost with the process is made up by polling.
    /// </summary>
    public virtual Task NotifyAsync(DbConnection db, string channel, string payload) => Task.CompletedTask;

    /// <summary>Names this process to the others on a shared database (in its notifications).</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Retention: when the text was purged (the review, its findings and its audit trail stay). The same for every database.</summary>
    protected const string RetentionMigration = """
        ALTER TABLE reviews ADD COLUMN text_purged_at BIGINT;
        CREATE INDEX ix_reviews_retention ON reviews (updated_at) WHERE text_purged_at IS NULL;
        """;

    /// <summary>Issued API keys expire (keys issued before this migration have none).</summary>
    protected const string KeyExpiryMigration = "ALTER TABLE api_keys ADD COLUMN expires_at BIGINT;";

    /// <summary>
    /// Webhooks: subscriptions, and the outbox of deliveries (one per event and subscription, written in the transaction of the
    /// change it announces) with every attempt. The same for every database.
    /// </summary>
    protected const string WebhooksMigration = """
        CREATE TABLE webhooks (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            all_reviews BIGINT NOT NULL,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            deleted_at BIGINT
        );
        CREATE INDEX ix_webhooks_owner ON webhooks (owner) WHERE deleted_at IS NULL;
        CREATE TABLE webhook_deliveries (
            id TEXT PRIMARY KEY,
            webhook_id TEXT NOT NULL REFERENCES webhooks (id),
            event_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            review_id TEXT,
            body TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            next_attempt_at BIGINT NOT NULL,
            retry_from BIGINT NOT NULL,
            delivered_at BIGINT,
            last_error TEXT,
            lease_owner TEXT,
            lease_until BIGINT
        );
        CREATE INDEX ix_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
        CREATE INDEX ix_deliveries_webhook ON webhook_deliveries (webhook_id, created_at);
        CREATE TABLE webhook_attempts (
            id TEXT PRIMARY KEY,
            delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
            at BIGINT NOT NULL,
            status_code BIGINT,
            error TEXT,
            duration_ms BIGINT NOT NULL
        );
        CREATE INDEX ix_attempts_delivery ON webhook_attempts (delivery_id, at);
        """;

    /// <summary>
    /// Batches: the documents of one upload, as accepted (file name, and its review or why it was refused), and how many of
    /// its reviews are still pending; the evaluation that takes that to 0 announces <c>batch.completed</c>.
    /// </summary>
    protected const string BatchesMigration = """
        CREATE TABLE batches (
            id TEXT PRIMARY KEY,
            policy TEXT NOT NULL,
            submitter TEXT,
            documents TEXT NOT NULL,
            pending BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            completed_at BIGINT
        );
        CREATE INDEX ix_batches_created ON batches (created_at);
        ALTER TABLE reviews ADD COLUMN batch_id TEXT;
        """;

    /// <summary>A batch's <c>Idempotency-Key</c> (scoped to its submitter) and the hash of the upload it was first sent with.</summary>
    protected const string BatchIdempotencyMigration = """
        ALTER TABLE batches ADD COLUMN idempotency_key TEXT;
        ALTER TABLE batches ADD COLUMN request_hash TEXT;
        CREATE UNIQUE INDEX ux_batches_idempotency_key ON batches (idempotency_key);
        """;

    /// <summary>The judge's tokens a replay may spend (replays stored before it have none: the default applies).</summary>
    protected const string ReplayTokensMigration = """
        ALTER TABLE replays ADD COLUMN max_tokens BIGINT;
        """;

    /// <summary>Re-review: each evaluation a re-evaluation replaced, kept as a numbered revision of its review.</summary>
    protected const string RevisionsMigration = """
        CREATE TABLE review_revisions (
            id TEXT PRIMARY KEY,
            review_id TEXT NOT NULL REFERENCES reviews (id),
            revision BIGINT NOT NULL,
            policy_version TEXT NOT NULL,
            status TEXT NOT NULL,
            decision TEXT,
            findings TEXT,
            evaluated_at BIGINT NOT NULL,
            replaced_at BIGINT NOT NULL,
            replaced_by TEXT NOT NULL,
            UNIQUE (review_id, revision)
        );
        """;

    /// <summary>Replays: a policy version tried on stored reviews without changing them, and what it would change per check.</summary>
    protected const string ReplaysMigration = """
        CREATE TABLE replays (
            id TEXT PRIMARY KEY,
            policy TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            since BIGINT,
            max_reviews BIGINT NOT NULL,
            status TEXT NOT NULL,
            report TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            completed_at BIGINT
        );
        """;
}

/// <summary>How far a commit has gone when it returns. README, "Performance", lists which write uses which and why.</summary>
public enum Commit
{
    /// <summary>On disk: survives a crash of the service, of the database server and of the machine.</summary>
    Durable,
    /// <summary>
    /// Handed to the database (SQLite: written to the WAL file in the operating system's cache; PostgreSQL: in the server's
    /// WAL buffers, <c>synchronous_commit = off</c>), on disk a moment later: survives a crash (or SIGKILL) of the service,
    /// may be lost with the machine or the database server. Used only for writes whose loss leaves a review pending, to be
    /// evaluated again, never for an accepted document or a reviewer's answer.
    /// </summary>
    Relaxed,
}
