using Dapper;
using ReviewService.Decisions;
using ReviewService.ReviewQueue;
using ReviewService.Storage;
using ReviewService.Tests.Storage;

namespace ReviewService.Tests.ReviewQueue;

/// <summary>The order reviewers see, and queue items that existed before the queue had its own table.</summary>
public sealed class QueueOrderTests
{
    [Fact]
    public async Task TheMostSevereItemComesFirstThenTheOldest()
    {
        using var app = new ReviewApp(settings: new() { ["Processing:Enabled"] = "false" });
        var store = (IReviewStore)app.Services.GetService(typeof(IReviewStore))!;
        var analyst = app.Analyst();
        var severities = new[] { "low", "high", "medium", "high" };
        var ids = new List<string>();
        foreach (var (severity, i) in severities.Select((s, i) => (s, i)))
        {
            ids.Add((await (await analyst.SubmitAsync(ReviewRequests.Text($"Contract number {i}."), wait: "0")).JsonAsync()).GetProperty("id").GetString()!);
            // Evaluate by hand so each review gets a queue item of a chosen severity; created_at orders them oldest first.
            var work = (await store.ClaimNextAsync("test", TimeSpan.FromMinutes(1), default))!;
            var checks = new[] { new QueuedCheck("audit-rights", QueueReasons.Undetermined, "low"), new QueuedCheck($"check-{i}", i == 2 ? QueueReasons.LowConfidence : QueueReasons.Undetermined, severity) };
            var result = new ReviewResult("v", ReviewStatus.NeedsReview, new ReviewDecision("approved", [], true, []), [],
                new NewQueueItem(Guid.NewGuid(), QueueKinds.Review, checks), DateTimeOffset.UtcNow.AddSeconds(i));
            Assert.True(await store.CompleteAsync(work.Id, work.LeaseOwner, result, default));
        }

        var reviewer = app.WithKey(ReviewApp.ReviewerKey);
        var queue = (await (await reviewer.GetAsync("/v1/queue")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        var lowConfidence = (await (await reviewer.GetAsync("/v1/queue?reason=low-confidence")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        var limited = (await (await reviewer.GetAsync("/v1/queue?limit=1")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal([ids[1], ids[3], ids[2], ids[0]], queue.Select(i => i.GetProperty("reviewId").GetString()));
        Assert.Equal(["high", "high", "medium", "low"], queue.Select(i => i.GetProperty("priority").GetString()));
        Assert.Equal(ids[2], Assert.Single(lowConfidence).GetProperty("reviewId").GetString());
        Assert.Equal(ids[1], Assert.Single(limited).GetProperty("reviewId").GetString());
    }

    // SQLite's migration 3 folds old rows; PostgreSQL starts from the folded schema.
    [Fact, Trait("Storage", "SqliteOnly")]
    public async Task QueueItemsStoredBeforeTheQueueTableExistedBecomeOneItemPerReview()
    {
        var review = Guid.NewGuid().ToString();
        // The schema as migrations 1 and 2 left it, with one review waiting on two checks.
        var (database, db) = await OldSqliteSchema.CreateAsync(2);
        await using (db)
        {
            await db.ExecuteAsync("""
                INSERT INTO reviews (id, policy, policy_version, status, document, metadata, request_hash, created_at, updated_at, findings)
                VALUES (@review, 'contract-review', 'v', 'needs_review',
                        '{"fileName":"old.txt","contentType":"text/plain","format":"text","sha256":"00","bytes":3,"characters":3,"pageStarts":[0]}',
                        '{}', 'h', 1000, 1000, '[]');
                INSERT INTO documents (review_id, content, text) VALUES (@review, NULL, 'old');
                INSERT INTO queue_items (id, review_id, policy, check_name, reason, severity, status, created_at)
                VALUES (@a, @review, 'contract-review', 'audit-rights', 'undetermined', 'low', 'open', 1000),
                       (@b, @review, 'contract-review', 'change-of-control', 'degraded', 'high', 'open', 1000);
                """, new { review, a = Guid.NewGuid().ToString(), b = Guid.NewGuid().ToString() });
        }

        using var app = new ReviewApp(database);
        var items = (await (await app.WithKey(ReviewApp.ReviewerKey).GetAsync("/v1/queue")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();

        var item = Assert.Single(items);
        Assert.Equal(review, item.GetProperty("reviewId").GetString());
        Assert.Equal("high", item.GetProperty("priority").GetString());
        Assert.Equal("old.txt", item.GetProperty("fileName").GetString());
        Assert.Equal(["audit-rights", "change-of-control"], item.Checks());
        Assert.Equal(["degraded", "undetermined"], item.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }
}
