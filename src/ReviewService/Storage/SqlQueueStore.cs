using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using ReviewService.Decisions;
using ReviewService.ReviewQueue;
using ReviewService.Webhooks;

namespace ReviewService.Storage;

/// <summary>The reviewers' queue over any SQL database. Leases and resolutions are conditional updates: the loser changes nothing.</summary>
public sealed class SqlQueueStore(SqlDialect dialect, Outbox outbox) : IQueueStore
{
    const string ItemColumns = """
        q.id, q.review_id AS ReviewId, q.policy, r.document, q.kind, q.priority, q.status, q.lease_owner AS LeaseOwner,
        q.lease_until AS LeaseUntil, q.created_at AS CreatedAt, q.resolved_by AS ResolvedBy, q.resolved_at AS ResolvedAt
        """;

    /// <summary>Creates the queue item of a just-evaluated review, inside the transaction that saves the evaluation.</summary>
    internal static async Task EnqueueAsync(DbConnection db, DbTransaction tx, Guid reviewId, NewQueueItem item, DateTimeOffset at)
    {
        var review = reviewId.ToString();
        var now = at.ToUnixTimeMilliseconds();
        var policy = await db.ExecuteScalarAsync<string>("SELECT policy FROM reviews WHERE id = @review", new { review }, tx);
        var inserted = await db.ExecuteAsync("""
            INSERT INTO queue (id, review_id, policy, kind, priority, status, created_at)
            VALUES (@id, @review, @policy, @kind, @priority, 'open', @now)
            ON CONFLICT (review_id) DO NOTHING
            """, new { id = item.Id.ToString(), review, policy, kind = item.Kind, priority = item.Priority, now }, tx);
        if (inserted > 0)
        {
            await AddChecksAsync(db, tx, reviewId, policy!, item.Id, item, at);
        }
    }

    /// <summary>The checks of a queue item, and the audit line that says they were queued.</summary>
    static async Task AddChecksAsync(DbConnection db, DbTransaction tx, Guid reviewId, string policy, Guid queueId, NewQueueItem item, DateTimeOffset at)
    {
        foreach (var check in item.Checks)
        {
            await db.ExecuteAsync("""
                INSERT INTO queue_checks (id, review_id, policy, check_name, reason, severity, status, created_at)
                VALUES (@id, @review, @policy, @check, @reason, @severity, 'open', @now)
                ON CONFLICT (review_id, check_name) DO NOTHING
                """,
                new
                {
                    id = Guid.NewGuid().ToString(), review = reviewId.ToString(), policy, check = check.Check, reason = check.Reason,
                    severity = check.Severity, now = at.ToUnixTimeMilliseconds(),
                }, tx);
        }
        await AppendAsync(db, tx, reviewId, new AuditEntry(at, "system", "queued", queueId, null, null,
            $"{item.Kind}: {string.Join(", ", item.Checks.Select(c => $"{c.Check} ({c.Reason})"))}", null));
    }

    /// <summary>
    /// After a re-evaluation, in its transaction: the review's queue item holds exactly the new evaluation's open checks. An
    /// open item is replaced, a resolved one opened again with the new checks (its verdicts stay), and an open item with no
    /// check left is resolved by the system.
    /// </summary>
    internal static async Task RequeueAsync(DbConnection db, DbTransaction tx, Guid reviewId, NewQueueItem? item, DateTimeOffset at)
    {
        var review = reviewId.ToString();
        var now = at.ToUnixTimeMilliseconds();
        await db.ExecuteAsync("DELETE FROM queue_checks WHERE review_id = @review", new { review }, tx);
        var existing = await db.ExecuteScalarAsync<string?>("SELECT id FROM queue WHERE review_id = @review", new { review }, tx);
        if (item is null || item.Kind != QueueKinds.Review)
        {
            if (existing is not null)
            {
                await db.ExecuteAsync("""
                    UPDATE queue SET status = 'resolved', resolved_by = 'system', resolved_at = @now, lease_owner = NULL, lease_until = NULL
                    WHERE id = @existing AND status = 'open'
                    """, new { existing, now }, tx);
            }
            return;
        }
        if (existing is null)
        {
            await EnqueueAsync(db, tx, reviewId, item, at);
            return;
        }
        await db.ExecuteAsync("""
            UPDATE queue SET kind = @kind, priority = @priority, status = 'open', lease_owner = NULL, lease_until = NULL, created_at = @now,
                             resolved_at = NULL, resolved_by = NULL
            WHERE id = @existing
            """, new { existing, kind = item.Kind, priority = item.Priority, now }, tx);
        var policy = await db.ExecuteScalarAsync<string>("SELECT policy FROM reviews WHERE id = @review", new { review }, tx);
        await AddChecksAsync(db, tx, reviewId, policy!, Guid.Parse(existing), item, at);
    }

    public async Task<IReadOnlyList<QueueItem>> ListOpenAsync(QueueQuery query, CancellationToken ct)
    {
        var where = new List<string> { "q.status = 'open'" };
        if (query.Policy is not null)
        {
            where.Add("q.policy = @policy");
        }
        if (query.Reason is not null)
        {
            where.Add("EXISTS (SELECT 1 FROM queue_checks c WHERE c.review_id = q.review_id AND c.reason = @reason)");
        }
        await using var db = await dialect.OpenAsync(ct);
        var rows = await db.QueryAsync<ItemRow>($"""
            SELECT {ItemColumns} FROM queue q JOIN reviews r ON r.id = q.review_id
            WHERE {string.Join(" AND ", where)} ORDER BY q.priority DESC, q.created_at, q.id LIMIT @limit
            """, new { policy = query.Policy, reason = query.Reason, limit = query.Limit });
        return await WithChecksAsync(db, [.. rows]);
    }

    public async Task<QueueItem?> GetAsync(Guid id, CancellationToken ct) => await FindAsync("q.id = @key", id, ct);

    public async Task<QueueItem?> FindByReviewAsync(Guid reviewId, CancellationToken ct) => await FindAsync("q.review_id = @key", reviewId, ct);

    async Task<QueueItem?> FindAsync(string where, Guid key, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var rows = await db.QueryAsync<ItemRow>($"SELECT {ItemColumns} FROM queue q JOIN reviews r ON r.id = q.review_id WHERE {where}",
            new { key = key.ToString() });
        return (await WithChecksAsync(db, [.. rows])).SingleOrDefault();
    }

    public async Task<bool> TryLeaseAsync(Guid id, Lease lease, DateTimeOffset now, AuditEntry audit, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginAsync(db, Commit.Durable, ct);
        var updated = await db.ExecuteAsync("""
            UPDATE queue SET lease_owner = @holder, lease_until = @until
            WHERE id = @id AND status = 'open' AND (lease_owner IS NULL OR lease_owner = @holder OR lease_until <= @now)
            """, new { id = id.ToString(), holder = lease.Holder, until = lease.ExpiresAt.ToUnixTimeMilliseconds(), now = now.ToUnixTimeMilliseconds() }, tx);
        return await CommitWithAuditAsync(db, tx, id, updated, audit, ct);
    }

    public async Task<bool> TryReleaseAsync(Guid id, string holder, AuditEntry audit, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginAsync(db, Commit.Durable, ct);
        var updated = await db.ExecuteAsync("""
            UPDATE queue SET lease_owner = NULL, lease_until = NULL WHERE id = @id AND status = 'open' AND lease_owner = @holder
            """, new { id = id.ToString(), holder }, tx);
        return await CommitWithAuditAsync(db, tx, id, updated, audit, ct);
    }

    static async Task<bool> CommitWithAuditAsync(DbConnection db, DbTransaction tx, Guid id, int updated, AuditEntry audit, CancellationToken ct)
    {
        if (updated == 0)
        {
            return false;
        }
        var review = await db.ExecuteScalarAsync<string>("SELECT review_id FROM queue WHERE id = @id", new { id = id.ToString() }, tx);
        await AppendAsync(db, tx, Guid.Parse(review!), audit);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<bool> TryResolveAsync(Resolution resolution, CancellationToken ct)
    {
        var item = resolution.Item;
        var at = resolution.At.ToUnixTimeMilliseconds();
        await using var db = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginAsync(db, Commit.Durable, ct);
        var resolved = await db.ExecuteAsync("""
            UPDATE queue SET status = 'resolved', resolved_by = @reviewer, resolved_at = @at, lease_owner = NULL, lease_until = NULL
            WHERE id = @id AND status = 'open' AND lease_owner = @reviewer AND lease_until > @at
            """, new { id = item.Id.ToString(), reviewer = resolution.Reviewer, at }, tx);
        List<string?> updated = resolved == 0 ? [] : [.. await db.QueryAsync<string?>("""
            UPDATE reviews SET findings = @findings, decision = @decision, status = @status, updated_at = @at
            WHERE id = @review AND updated_at = @expected
            RETURNING submitter
            """,
            new
            {
                review = item.ReviewId.ToString(), findings = StoredJson.Serialize(resolution.Findings), decision = StoredJson.Serialize(resolution.Decision),
                status = resolution.Status.ToWire(), at, expected = resolution.ReviewUpdatedAt.ToUnixTimeMilliseconds(),
            }, tx)];
        if (updated.Count == 0)
        {
            return false;
        }
        foreach (var v in resolution.Verdicts)
        {
            await db.ExecuteAsync("""
                INSERT INTO verdicts (queue_id, review_id, policy, check_name, reason, outcome, automated_outcome, automated_by, suggested_outcome,
                                      reviewer, comment, created_at)
                VALUES (@queue, @review, @policy, @check, @reason, @outcome, @automated, @automatedBy, @suggested, @reviewer, @comment, @at)
                """,
                new
                {
                    queue = item.Id.ToString(), review = item.ReviewId.ToString(), policy = item.Policy, check = v.Check, reason = v.Reason,
                    outcome = v.Outcome.ToWire(), automated = v.AutomatedOutcome.ToWire(), automatedBy = v.AutomatedBy is { } by ? by.ToWire() : null,
                    suggested = v.SuggestedOutcome is { } s ? s.ToWire() : null, reviewer = resolution.Reviewer, comment = v.Comment, at,
                }, tx);
        }
        foreach (var entry in resolution.Audit)
        {
            await AppendAsync(db, tx, item.ReviewId, entry);
        }
        var events = await outbox.WriteAsync(db, tx, SqlReviewStore.ReviewEvent(
            WebhookEvents.QueueResolved, item.ReviewId, updated[0], resolution.Status, resolution.Decision.Outcome, resolution.At));
        await tx.CommitAsync(ct);
        outbox.Written(events);
        return true;
    }

    public async Task<Backlog> GetBacklogAsync(CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var queue = await db.QueryAsync<(string Policy, string Kind, long Items, long Oldest)>(
            "SELECT policy, kind, COUNT(*), MIN(created_at) FROM queue WHERE status = 'open' GROUP BY policy, kind");
        var pending = await db.QuerySingleAsync<(long Count, long? Oldest)>("SELECT COUNT(*), MIN(created_at) FROM reviews WHERE status = 'pending'");
        return new Backlog([.. queue.Select(q => new QueueDepth(q.Policy, q.Kind, (int)q.Items, DateTimeOffset.FromUnixTimeMilliseconds(q.Oldest)))],
            (int)pending.Count, pending.Oldest is { } oldest ? DateTimeOffset.FromUnixTimeMilliseconds(oldest) : null);
    }

    public async Task<IReadOnlyList<AuditEntry>> GetAuditAsync(Guid reviewId, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var rows = await db.QueryAsync<(long At, string Actor, string Action, string? Queue, string? Check, string? Previous, string? Current, string? Comment)>(
            "SELECT at, actor, action, queue_id, check_name, previous, current, comment FROM audit_log WHERE review_id = @id ORDER BY id",
            new { id = reviewId.ToString() });
        return [.. rows.Select(r => new AuditEntry(DateTimeOffset.FromUnixTimeMilliseconds(r.At), r.Actor, r.Action,
            r.Queue is null ? null : Guid.Parse(r.Queue), r.Check, r.Previous, r.Current, r.Comment))];
    }

    public async Task<IReadOnlyList<AgreementCount>> CountAgreementAsync(string? policy, DateTimeOffset? since, CancellationToken ct)
    {
        var filter = (policy is null ? "" : " AND policy = @policy") + (since is null ? "" : " AND created_at >= @since");
        await using var db = await dialect.OpenAsync(ct);
        // A QA sample compares with the stage that decided; a judge's refused answer (low confidence, ungrounded) is compared as a
        // suggestion; a held rules decision with the rules' answer.
        var rows = await db.QueryAsync<(string Stage, string Check, long Verdicts, long Agreed)>($"""
            SELECT automated_by, check_name, COUNT(*), SUM(CASE WHEN outcome = automated_outcome THEN 1 ELSE 0 END)
            FROM verdicts WHERE reason = 'qa-sample' AND automated_by IS NOT NULL{filter} GROUP BY automated_by, check_name
            UNION ALL
            SELECT 'llm-suggestion', check_name, COUNT(*), SUM(CASE WHEN outcome = suggested_outcome THEN 1 ELSE 0 END)
            FROM verdicts WHERE suggested_outcome IS NOT NULL{filter} GROUP BY check_name
            UNION ALL
            SELECT 'rules-held', check_name, COUNT(*), SUM(CASE WHEN outcome = automated_outcome THEN 1 ELSE 0 END)
            FROM verdicts WHERE reason <> 'qa-sample' AND automated_by = 'rules'{filter} GROUP BY check_name
            """, new { policy, since = since?.ToUnixTimeMilliseconds() });
        return [.. rows.Select(r => new AgreementCount(r.Stage, r.Check, (int)r.Verdicts, (int)r.Agreed))];
    }

    public async IAsyncEnumerable<LabelledReview> ReadLabelledAsync(string policy, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var verdicts = (await db.QueryAsync<(string Review, string Check, string Outcome)>(
                "SELECT review_id, check_name, outcome FROM verdicts WHERE policy = @policy ORDER BY id", new { policy }))
            .GroupBy(v => v.Review)
            .Select(g => (Review: g.Key, Latest: g.GroupBy(v => v.Check).ToDictionary(c => c.Key, c => ParseOutcome(c.Last().Outcome))))
            .ToList();
        foreach (var (review, latest) in verdicts)
        {
            var row = await db.QuerySingleOrDefaultAsync<(string Document, string? Findings, string? Text)>(
                "SELECT r.document, r.findings, d.text FROM reviews r JOIN documents d ON d.review_id = r.id WHERE r.id = @review", new { review });
            if (row.Text is null)
            {
                continue;
            }
            yield return new LabelledReview(Guid.Parse(review), StoredJson.Deserialize<DocumentInfo>(row.Document)!.FileName, row.Text,
                StoredJson.Deserialize<List<CheckFinding>>(row.Findings) ?? [], latest);
        }
    }

    internal static Task<int> AppendAsync(DbConnection db, DbTransaction tx, Guid reviewId, AuditEntry e) => db.ExecuteAsync("""
        INSERT INTO audit_log (review_id, queue_id, actor, action, check_name, previous, current, comment, at)
        VALUES (@review, @queue, @actor, @action, @check, @previous, @current, @comment, @at)
        """,
        new
        {
            review = reviewId.ToString(), queue = e.QueueItemId?.ToString(), actor = e.Actor, action = e.Action, check = e.Check,
            previous = e.Previous, current = e.Current, comment = e.Comment, at = e.At.ToUnixTimeMilliseconds(),
        }, tx);

    async Task<IReadOnlyList<QueueItem>> WithChecksAsync(DbConnection db, IReadOnlyList<ItemRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }
        var checks = (await db.QueryAsync<(string Review, string Check, string Reason, string Severity)>(
                $"SELECT review_id, check_name, reason, severity FROM queue_checks WHERE {dialect.AnyOf("review_id", "@reviews")} ORDER BY check_name",
                new { reviews = rows.Select(r => r.ReviewId).ToList() }))
            .ToLookup(c => c.Review, c => new QueuedCheck(c.Check, c.Reason, c.Severity));
        return [.. rows.Select(r => new QueueItem(
            Guid.Parse(r.Id), Guid.Parse(r.ReviewId), r.Policy, StoredJson.Deserialize<DocumentInfo>(r.Document)!.FileName, r.Kind, (int)r.Priority,
            [.. checks[r.ReviewId]], r.Status,
            r.LeaseOwner is { } holder && r.LeaseUntil is { } until ? new Lease(holder, DateTimeOffset.FromUnixTimeMilliseconds(until)) : null,
            DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), r.ResolvedBy, r.ResolvedAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null))];
    }


    static Outcome ParseOutcome(string text) => Enum.Parse<Outcome>(text, ignoreCase: true);

    sealed record ItemRow(
        string Id, string ReviewId, string Policy, string Document, string Kind, long Priority, string Status, string? LeaseOwner,
        long? LeaseUntil, long CreatedAt, string? ResolvedBy, long? ResolvedAt);
}
