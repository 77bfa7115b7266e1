using System.Data.Common;
using Dapper;
using ReviewService.Batches;
using ReviewService.Webhooks;

namespace ReviewService.Storage;

/// <summary>Batches over any SQL database (<see cref="SqlDialect"/>).</summary>
public sealed class SqlBatchStore(SqlDialect dialect, Outbox outbox) : IBatchStore
{
    /// <summary>
    /// In the transaction that finishes a review of batch <paramref name="batchId"/>: one fewer pending, and the review that
    /// makes it none announces <c>batch.completed</c>. The decrement locks the batch's row, so two reviews finishing at once
    /// cannot both see the other still pending. Returns the outbox rows written.
    /// </summary>
    internal static async Task<int> FinishedAsync(DbConnection db, DbTransaction tx, Outbox outbox, string? batchId, DateTimeOffset at)
    {
        if (batchId is null)
        {
            return 0;
        }
        var left = (await db.QueryAsync<(long Pending, string? Submitter)>("""
            UPDATE batches SET pending = pending - 1, completed_at = CASE WHEN pending = 1 THEN @at ELSE completed_at END
            WHERE id = @id AND pending > 0
            RETURNING pending, submitter
            """, new { id = batchId, at = at.ToUnixTimeMilliseconds() }, tx)).ToList();
        return left is [{ Pending: 0 } done] ? await outbox.WriteAsync(db, tx, Completed(Guid.Parse(batchId), done.Submitter, at)) : 0;
    }

    static OutboxEvent Completed(Guid id, string? submitter, DateTimeOffset at) =>
        new(WebhookEvents.BatchCompleted, submitter, new WebhookEventData(id, "completed", null,
            new Dictionary<string, string> { ["self"] = $"/v1/batches/{id}" }), at);

    public async Task<Batch?> CreateAsync(NewBatch batch, CancellationToken ct)
    {
        try
        {
            return await InsertAsync(batch, ct);
        }
        catch (DbException) when (batch.IdempotencyKey is not null)
        {
            // A concurrent retry with the same key won the race to insert: its batch is the answer, and this one rolled back whole.
            return await FindByIdempotencyKeyAsync(batch.IdempotencyKey, ct) ?? throw new InvalidOperationException($"Storing batch {batch.Id} failed.");
        }
    }

    async Task<Batch?> InsertAsync(NewBatch batch, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginAsync(db, Commit.Durable, ct);
        if (batch.IdempotencyKey is not null && await FindAsync(db, "idempotency_key = @key", new { key = batch.IdempotencyKey }, tx) is { } earlier)
        {
            return earlier;
        }
        var at = batch.CreatedAt.ToUnixTimeMilliseconds();
        await db.ExecuteAsync("""
            INSERT INTO batches (id, policy, submitter, documents, pending, created_at, completed_at, idempotency_key, request_hash)
            VALUES (@id, @Policy, @Submitter, @documents, @pending, @at, @completed, @IdempotencyKey, @RequestHash)
            """,
            new
            {
                id = batch.Id.ToString(), batch.Policy, batch.Submitter, documents = StoredJson.Serialize(batch.Documents), pending = batch.Reviews.Count, at,
                completed = batch.Reviews.Count == 0 ? at : (long?)null, batch.IdempotencyKey, batch.RequestHash,
            }, tx);
        foreach (var review in batch.Reviews)
        {
            await SqlReviewStore.InsertReviewAsync(db, tx, review);
        }
        var events = batch.Reviews.Count == 0 ? await outbox.WriteAsync(db, tx, Completed(batch.Id, batch.Submitter, batch.CreatedAt)) : 0;
        await tx.CommitAsync(ct);
        outbox.Written(events);
        if (batch.Reviews.Count > 0)
        {
            await dialect.NotifyAsync(db, ReviewNotifications.Pending, dialect.Instance);
        }
        return null;
    }

    public async Task<Batch?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        return await FindAsync(db, "id = @id", new { id = id.ToString() }, null);
    }

    public async Task<Batch?> FindByIdempotencyKeyAsync(string key, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        return await FindAsync(db, "idempotency_key = @key", new { key }, null);
    }

    static async Task<Batch?> FindAsync(DbConnection db, string where, object args, DbTransaction? tx)
    {
        var row = await db.QuerySingleOrDefaultAsync<BatchRow>($"""
            SELECT id, policy, submitter, documents, pending, created_at AS CreatedAt, completed_at AS CompletedAt, request_hash AS RequestHash
            FROM batches WHERE {where}
            """, args, tx);
        if (row is null)
        {
            return null;
        }
        var statuses = await db.QueryAsync<(string Id, string Status)>("SELECT id, status FROM reviews WHERE batch_id = @id", new { id = row.Id }, tx);
        return new Batch(Guid.Parse(row.Id), row.Policy, row.Submitter, StoredJson.Deserialize<List<BatchDocument>>(row.Documents) ?? [],
            statuses.ToDictionary(s => Guid.Parse(s.Id), s => ReviewStatusText.Parse(s.Status) ?? ReviewStatus.Failed), (int)row.Pending,
            DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), row.CompletedAt is { } c ? DateTimeOffset.FromUnixTimeMilliseconds(c) : null)
        {
            RequestHash = row.RequestHash,
        };
    }

    sealed record BatchRow(string Id, string Policy, string? Submitter, string Documents, long Pending, long CreatedAt, long? CompletedAt, string? RequestHash);
}
