using Dapper;
using ReviewService.ReviewQueue;

namespace ReviewService.Storage;

/// <summary>Retention: the text of finished reviews goes, their compliance record stays (see <see cref="TextRetention"/>).</summary>
public sealed partial class SqlReviewStore
{
    public async Task<int> PurgeTextAsync(DateTimeOffset finishedBefore, int limit, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var candidates = await db.QueryAsync<string>($"""
            SELECT id FROM reviews WHERE text_purged_at IS NULL AND {Purgeable} ORDER BY updated_at LIMIT @limit
            """, new { before = finishedBefore.ToUnixTimeMilliseconds(), limit });
        var purged = 0;
        foreach (var id in candidates)
        {
            var now = clock.GetUtcNow();
            await using var tx = await dialect.BeginAsync(db, Commit.Durable, ct);
            // Conditional, so instances purging at the same time write one audit line per review between them.
            var updated = await db.ExecuteAsync($"UPDATE reviews SET text_purged_at = @now WHERE id = @id AND text_purged_at IS NULL AND {Purgeable}",
                new { id, now = now.ToUnixTimeMilliseconds(), before = finishedBefore.ToUnixTimeMilliseconds() }, tx);
            if (updated == 1)
            {
                await db.ExecuteAsync("UPDATE documents SET text = NULL, content = NULL WHERE review_id = @id", new { id }, tx);
                await SqlQueueStore.AppendAsync(db, tx, Guid.Parse(id), new AuditEntry(now, "retention", "text-purged", null, null, null, null,
                    $"document text and file removed; finished before {finishedBefore:O}"));
                purged++;
            }
            await tx.CommitAsync(ct);
        }
        return purged;
    }

    // Finished reviews only: a review still pending or with an open queue item (waiting for a reviewer, or a QA sample of a
    // completed review) needs its text.
    const string Purgeable = """
        status IN ('completed', 'failed') AND updated_at < @before
        AND NOT EXISTS (SELECT 1 FROM queue q WHERE q.review_id = reviews.id AND q.status = 'open')
        """;
}
