using System.Data.Common;
using Dapper;
using ReviewService.Decisions;
using ReviewService.Judge;
using ReviewService.ReviewQueue;
using ReviewService.Webhooks;

namespace ReviewService.Storage;

/// <summary>The review store over any SQL database; what differs between databases is in <see cref="SqlDialect"/>.</summary>
public sealed partial class SqlReviewStore(SqlDialect dialect, TimeProvider clock, Outbox outbox) : IReviewStore
{
    const string ReviewColumns = """
        id, policy, policy_version AS PolicyVersion, status, document, external_ref AS ExternalRef, metadata, decision, findings,
        error, submitter, trace_id AS TraceId, created_at AS CreatedAt, updated_at AS UpdatedAt, completed_at AS CompletedAt,
        request_hash AS RequestHash, degraded_reason AS DegradedReason, llm_usage AS LlmUsage, trace_parent AS TraceParent,
        text_purged_at AS TextPurgedAt
        """;

    public string Provider => dialect.Name;

    public async Task MigrateAsync(CancellationToken ct)
    {
        await dialect.PrepareAsync(ct);
        await using var db = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginAsync(db, Commit.Durable, ct);
        if (dialect.MigrationLockSql is { } migrationLock)
        {
            await db.ExecuteAsync(migrationLock, transaction: tx);
        }
        await db.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)", transaction: tx);
        var applied = (await db.QueryAsync<long>("SELECT version FROM schema_migrations", transaction: tx)).ToHashSet();
        for (var version = 1; version <= dialect.Migrations.Count; version++)
        {
            if (!applied.Contains(version))
            {
                await db.ExecuteAsync(dialect.Migrations[version - 1], transaction: tx);
                await db.ExecuteAsync("INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @now)", new { version, now = Now() }, tx);
            }
        }
        await tx.CommitAsync(ct);
    }

    public async Task<bool> IsReachableAsync(CancellationToken ct)
    {
        try
        {
            await using var db = await dialect.OpenAsync(ct);
            return await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations") >= dialect.Migrations.Count;
        }
        catch (DbException)
        {
            return false;
        }
    }

    public async Task<CreateResult> CreateAsync(NewReview review, CancellationToken ct)
    {
        try
        {
            return await InsertAsync(review, ct);
        }
        catch (DbException) when (review.IdempotencyKey is not null)
        {
            // A concurrent retry with the same key won the race to insert: its review is the answer.
            var winner = await FindByIdempotencyKeyAsync(review.IdempotencyKey, ct);
            return winner is not null ? new CreateResult(winner) : throw new InvalidOperationException($"Storing review {review.Id} failed.");
        }
    }

    async Task<CreateResult> InsertAsync(NewReview review, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginAsync(db, Commit.Durable, ct);
        if (review.IdempotencyKey is not null)
        {
            var existing = await QueryReviewAsync(db, "idempotency_key = @key", new { key = review.IdempotencyKey }, tx);
            if (existing is not null)
            {
                return new CreateResult(existing);
            }
        }
        await InsertReviewAsync(db, tx, review);
        await tx.CommitAsync(ct);
        if (review.Lease is null)
        {
            // Stored for any instance's workers (a submission that does not wait, or no turn was free here).
            await dialect.NotifyAsync(db, ReviewNotifications.Pending, dialect.Instance);
        }
        return new CreateResult(Earlier: null);
    }

    /// <summary>Inserts a pending review and its document in the caller's transaction (a submission, or one document of a batch).</summary>
    internal static async Task InsertReviewAsync(DbConnection db, DbTransaction tx, NewReview review)
    {
        var now = review.CreatedAt.ToUnixTimeMilliseconds();
        await db.ExecuteAsync("""
            INSERT INTO reviews (id, policy, policy_version, status, document, external_ref, metadata, idempotency_key, request_hash,
                                 submitter, trace_parent, trace_id, created_at, updated_at, lease_owner, lease_until, attempts, batch_id)
            VALUES (@Id, @Policy, @PolicyVersion, 'pending', @Document, @ExternalRef, @Metadata, @IdempotencyKey, @RequestHash,
                    @Submitter, @TraceParent, @TraceId, @now, @now, @leaseOwner, @leaseUntil, @attempts, @batch)
            """,
            new
            {
                Id = review.Id.ToString(), review.Policy, review.PolicyVersion, Document = StoredJson.Serialize(review.Document), review.ExternalRef,
                Metadata = StoredJson.Serialize(review.Metadata), review.IdempotencyKey, review.RequestHash, review.Submitter, review.TraceParent,
                review.TraceId, now, leaseOwner = review.Lease?.Holder, leaseUntil = review.Lease?.ExpiresAt.ToUnixTimeMilliseconds(),
                attempts = review.Lease is null ? 0 : 1, batch = review.BatchId?.ToString(),
            }, tx);
        await db.ExecuteAsync("INSERT INTO documents (review_id, content, text) VALUES (@id, @content, @text)",
            new { id = review.Id.ToString(), content = review.Content, text = review.Text }, tx);
    }

    public async Task<Review?> FindByIdempotencyKeyAsync(string key, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        return await QueryReviewAsync(db, "idempotency_key = @key", new { key });
    }

    public async Task<Review?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        return await QueryReviewAsync(db, "id = @id", new { id = id.ToString() });
    }

    public async Task<string?> GetTextAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        return await db.ExecuteScalarAsync<string?>("SELECT text FROM documents WHERE review_id = @id", new { id = id.ToString() });
    }

    public async Task<ReviewPage> ListAsync(ReviewQuery query, CancellationToken ct)
    {
        var where = new List<string> { "1 = 1" };
        if (query.Status is { } status)
        {
            where.Add("status = @status");
        }
        if (query.Policy is not null)
        {
            where.Add("policy = @policy");
        }
        if (query.Since is not null)
        {
            where.Add("created_at >= @since");
        }
        if (query.Submitter is not null)
        {
            where.Add("submitter = @submitter");
        }
        if (query.After is not null)
        {
            where.Add("(created_at < @afterTime OR (created_at = @afterTime AND id < @afterId))");
        }
        await using var db = await dialect.OpenAsync(ct);
        var rows = (await db.QueryAsync<ReviewRow>(
            $"SELECT {ReviewColumns} FROM reviews WHERE {string.Join(" AND ", where)} ORDER BY created_at DESC, id DESC LIMIT @limit",
            new
            {
                status = query.Status is { } s ? s.ToWire() : null, policy = query.Policy, since = query.Since?.ToUnixTimeMilliseconds(),
                afterTime = query.After?.CreatedAtMs, afterId = query.After?.Id, submitter = query.Submitter, limit = query.Limit + 1,
            })).ToList();
        var items = rows.Take(query.Limit).Select(ToReview).ToList();
        var next = rows.Count > query.Limit ? new ReviewCursor(rows[query.Limit - 1].CreatedAt, rows[query.Limit - 1].Id) : null;
        return new ReviewPage(items, next);
    }

    public async Task<WorkItem?> ClaimNextAsync(string owner, TimeSpan lease, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var now = Now();
        // A lease lost with the machine only lets another worker take the review again.
        string? id;
        await using (var tx = await dialect.BeginAsync(db, Commit.Relaxed, ct))
        {
            id = await db.ExecuteScalarAsync<string?>(dialect.ClaimNextSql, new { owner, until = now + (long)lease.TotalMilliseconds, now }, tx);
            await tx.CommitAsync(ct);
        }
        if (id is null)
        {
            return null;
        }
        var row = await db.QuerySingleAsync<(string Policy, string? Text, string? TraceParent, long Attempts, long CreatedAt)>("""
            SELECT r.policy, d.text, r.trace_parent, r.attempts, r.created_at
            FROM reviews r JOIN documents d ON d.review_id = r.id WHERE r.id = @id
            """, new { id });
        return new WorkItem(Guid.Parse(id), row.Policy, row.Text ?? "", row.TraceParent, (int)row.Attempts,
            DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), owner);
    }

    public async Task<bool> CompleteAsync(Guid id, string owner, ReviewResult result, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        // A result lost with the machine leaves the review pending, and it is evaluated again: the document is never lost.
        await using var tx = await dialect.BeginAsync(db, Commit.Relaxed, ct);
        // The submitter, whose webhook subscriptions hear of it, and its batch; no row when the lease was lost.
        var updated = (await db.QueryAsync<(string? Submitter, string? Batch)>("""
            UPDATE reviews SET status = @status, policy_version = @version, decision = @decision, findings = @findings, error = NULL,
                               degraded_reason = @degraded, llm_usage = @usage, llm_tokens = @tokens,
                               completed_at = @completed, updated_at = @completed, lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND lease_owner = @owner AND status = 'pending'
            RETURNING submitter, batch_id
            """,
            new
            {
                id = id.ToString(), owner, status = result.Status.ToWire(), version = result.PolicyVersion,
                decision = StoredJson.Serialize(result.Decision), findings = StoredJson.Serialize(result.Findings), completed = result.CompletedAt.ToUnixTimeMilliseconds(),
                degraded = result.DegradedReason, usage = result.LlmUsage is { } u ? StoredJson.Serialize(u) : null, tokens = result.LlmUsage?.TotalTokens ?? 0,
            }, tx)).ToList();
        if (updated.Count == 0)
        {
            return false;
        }
        // One line per saved evaluation: the lease condition above makes it at most one per review, and the audit log shows it.
        await SqlQueueStore.AppendAsync(db, tx, id, new AuditEntry(result.CompletedAt, "system", "evaluated", null, null, null,
            $"{result.Status.ToWire()}: {result.Decision.Outcome}", $"policy {result.PolicyVersion}"));
        if (result.Queue is { } queued)
        {
            await SqlQueueStore.EnqueueAsync(db, tx, id, queued, result.CompletedAt);
        }
        var events = await outbox.WriteAsync(db, tx, ReviewEvent(
            result.Status == ReviewStatus.Completed ? WebhookEvents.ReviewCompleted : WebhookEvents.ReviewNeedsReview,
            id, updated[0].Submitter, result.Status, result.Decision.Outcome, result.CompletedAt));
        events += await SqlBatchStore.FinishedAsync(db, tx, outbox, updated[0].Batch, result.CompletedAt);
        await tx.CommitAsync(ct);
        outbox.Written(events);
        await dialect.NotifyAsync(db, ReviewNotifications.Finished, id.ToString());
        return true;
    }

    /// <summary>A change to a review, announced to the webhook subscriptions of its submitter (and to those covering every review).</summary>
    internal static OutboxEvent ReviewEvent(string type, Guid id, string? submitter, ReviewStatus status, string? decision, DateTimeOffset at) =>
        new(type, submitter, new WebhookEventData(id, status.ToWire(), decision,
            new Dictionary<string, string> { ["self"] = $"/v1/reviews/{id}", ["document"] = $"/v1/reviews/{id}/document" }), at);


    public async Task RecordFailureAsync(Guid id, string owner, string error, bool final, TimeSpan retryAfter, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var now = Now();
        await using var tx = await dialect.BeginAsync(db, Commit.Durable, ct);
        var updated = (await db.QueryAsync<(string? Submitter, string? Batch)>("""
            UPDATE reviews SET error = @error, updated_at = @now, status = @status,
                               lease_owner = NULL, lease_until = @retryAt, completed_at = @completed
            WHERE id = @id AND lease_owner = @owner AND status = 'pending'
            RETURNING submitter, batch_id
            """,
            new
            {
                id = id.ToString(), owner, error, now, status = final ? "failed" : "pending",
                retryAt = final ? (long?)null : now + (long)retryAfter.TotalMilliseconds, completed = final ? now : (long?)null,
            }, tx)).ToList();
        var events = 0;
        if (final && updated.Count > 0)
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(now);
            events = await outbox.WriteAsync(db, tx, ReviewEvent(WebhookEvents.ReviewFailed, id, updated[0].Submitter, ReviewStatus.Failed, null, at));
            events += await SqlBatchStore.FinishedAsync(db, tx, outbox, updated[0].Batch, at);
        }
        await tx.CommitAsync(ct);
        outbox.Written(events);
        if (final && updated.Count > 0)
        {
            await dialect.NotifyAsync(db, ReviewNotifications.Finished, id.ToString());
        }
    }

    public async Task<long> GetLlmTokensSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        return await db.ExecuteScalarAsync<long?>("SELECT SUM(llm_tokens) FROM reviews WHERE completed_at >= @since",
            new { since = since.ToUnixTimeMilliseconds() }) ?? 0;
    }

    public async Task ReleaseAllLeasesAsync(CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        await db.ExecuteAsync("UPDATE reviews SET lease_owner = NULL, lease_until = NULL WHERE status = 'pending'");
    }

    static async Task<Review?> QueryReviewAsync(DbConnection db, string where, object parameters, DbTransaction? tx = null)
    {
        var row = await db.QuerySingleOrDefaultAsync<ReviewRow>($"SELECT {ReviewColumns} FROM reviews WHERE {where}", parameters, tx);
        return row is null ? null : ToReview(row);
    }

    long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    static Review ToReview(ReviewRow r) => new(
        Guid.Parse(r.Id), r.Policy, r.PolicyVersion, ReviewStatusText.Parse(r.Status) ?? ReviewStatus.Failed,
        StoredJson.Deserialize<DocumentInfo>(r.Document)!, r.ExternalRef, StoredJson.Deserialize<Dictionary<string, string>>(r.Metadata) ?? [],
        StoredJson.Deserialize<ReviewDecision>(r.Decision), StoredJson.Deserialize<List<CheckFinding>>(r.Findings) ?? [], r.Error, r.Submitter, r.TraceId,
        DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt),
        r.CompletedAt is { } c ? DateTimeOffset.FromUnixTimeMilliseconds(c) : null, r.RequestHash, r.DegradedReason, StoredJson.Deserialize<LlmUsage>(r.LlmUsage), r.TraceParent,
        r.TextPurgedAt is { } purged ? DateTimeOffset.FromUnixTimeMilliseconds(purged) : null);

    sealed record ReviewRow(
        string Id, string Policy, string PolicyVersion, string Status, string Document, string? ExternalRef, string Metadata,
        string? Decision, string? Findings, string? Error, string? Submitter, string? TraceId, long CreatedAt, long UpdatedAt,
        long? CompletedAt, string RequestHash, string? DegradedReason, string? LlmUsage, string? TraceParent, long? TextPurgedAt);
}
