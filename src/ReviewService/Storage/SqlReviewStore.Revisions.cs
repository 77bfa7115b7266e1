using Dapper;
using ReviewService.Decisions;
using ReviewService.Webhooks;

namespace ReviewService.Storage;

/// <summary>Re-review: a finished review evaluated again under the loaded policy; the evaluation it replaces is kept as a revision.</summary>
public sealed partial class SqlReviewStore
{
    public async Task<(ReevaluationOutcome Outcome, int Revision)> ReevaluateAsync(Reevaluation reevaluation, CancellationToken ct)
    {
        var id = reevaluation.ReviewId.ToString();
        var result = reevaluation.Result;
        var now = result.CompletedAt.ToUnixTimeMilliseconds();
        await using var db = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginAsync(db, Commit.Durable, ct);
        // A reviewer working on the review's queue item keeps it: their lease is not pulled from under them.
        if (await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM queue WHERE review_id = @id AND status = 'open' AND lease_until > @now",
                new { id, now }, tx) > 0)
        {
            return (ReevaluationOutcome.HeldByReviewer, 0);
        }
        var revision = await db.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(revision), 0) + 1 FROM review_revisions WHERE review_id = @id", new { id }, tx);
        var kept = await db.ExecuteAsync("""
            INSERT INTO review_revisions (id, review_id, revision, policy_version, status, decision, findings, evaluated_at, replaced_at, replaced_by)
            SELECT @revisionId, id, @revision, policy_version, status, decision, findings, COALESCE(completed_at, updated_at), @now, @actor
            FROM reviews WHERE id = @id AND updated_at = @expected AND status <> 'pending'
            """,
            new { revisionId = Guid.NewGuid().ToString(), revision, id, now, actor = reevaluation.Actor, expected = reevaluation.ExpectedUpdatedAt.ToUnixTimeMilliseconds() }, tx);
        if (kept == 0)
        {
            return (ReevaluationOutcome.Changed, 0);
        }
        var submitter = await db.ExecuteScalarAsync<string?>("""
            UPDATE reviews SET status = @status, policy_version = @version, decision = @decision, findings = @findings, error = NULL,
                               degraded_reason = @degraded, llm_usage = @usage, llm_tokens = llm_tokens + @tokens, completed_at = @now, updated_at = @now
            WHERE id = @id
            RETURNING submitter
            """,
            new
            {
                id, status = result.Status.ToWire(), version = result.PolicyVersion, decision = StoredJson.Serialize(result.Decision),
                findings = StoredJson.Serialize(result.Findings), degraded = result.DegradedReason, now,
                usage = result.LlmUsage is { } u ? StoredJson.Serialize(u) : null, tokens = result.LlmUsage?.TotalTokens ?? 0,
            }, tx);
        await SqlQueueStore.RequeueAsync(db, tx, reevaluation.ReviewId, result.Queue, result.CompletedAt);
        foreach (var entry in reevaluation.Audit)
        {
            await SqlQueueStore.AppendAsync(db, tx, reevaluation.ReviewId, entry);
        }
        var events = await outbox.WriteAsync(db, tx, ReviewEvent(
            result.Status == ReviewStatus.Completed ? WebhookEvents.ReviewCompleted : WebhookEvents.ReviewNeedsReview,
            reevaluation.ReviewId, submitter, result.Status, result.Decision.Outcome, result.CompletedAt));
        await tx.CommitAsync(ct);
        outbox.Written(events);
        return (ReevaluationOutcome.Saved, (int)revision);
    }

    public async Task<IReadOnlyList<Revision>> ListRevisionsAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var replaced = await db.QueryAsync<RevisionRow>("""
            SELECT revision, policy_version AS PolicyVersion, status, decision, findings, evaluated_at AS EvaluatedAt, replaced_at AS ReplacedAt,
                   replaced_by AS ReplacedBy
            FROM review_revisions WHERE review_id = @id ORDER BY revision
            """, new { id = id.ToString() });
        var revisions = replaced.Select(r => new Revision((int)r.Revision, r.PolicyVersion, ReviewStatusText.Parse(r.Status) ?? ReviewStatus.Failed,
            StoredJson.Deserialize<ReviewDecision>(r.Decision), StoredJson.Deserialize<List<CheckFinding>>(r.Findings) ?? [],
            DateTimeOffset.FromUnixTimeMilliseconds(r.EvaluatedAt), DateTimeOffset.FromUnixTimeMilliseconds(r.ReplacedAt), r.ReplacedBy)).ToList();
        if (await QueryReviewAsync(db, "id = @id", new { id = id.ToString() }) is { } current)
        {
            revisions.Add(new Revision(revisions.Count + 1, current.PolicyVersion, current.Status, current.Decision, current.Findings,
                current.CompletedAt ?? current.UpdatedAt, null, null));
        }
        return revisions;
    }

    sealed record RevisionRow(long Revision, string PolicyVersion, string Status, string? Decision, string? Findings, long EvaluatedAt, long ReplacedAt, string ReplacedBy);
}
