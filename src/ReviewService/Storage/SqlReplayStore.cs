using Dapper;
using ReviewService.Decisions;
using ReviewService.Replays;

namespace ReviewService.Storage;

/// <summary>Replays over any SQL database (<see cref="SqlDialect"/>).</summary>
public sealed class SqlReplayStore(SqlDialect dialect) : IReplayStore
{
    public async Task CreateAsync(ReplayRequest replay, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var at = replay.CreatedAt.ToUnixTimeMilliseconds();
        await db.ExecuteAsync("""
            INSERT INTO replays (id, policy, policy_version, requested_by, since, max_reviews, max_tokens, status, report, created_at, updated_at)
            VALUES (@id, @Policy, @PolicyVersion, @RequestedBy, @since, @Limit, @MaxTokens, 'running', @report, @at, @at)
            """,
            new
            {
                id = replay.Id.ToString(), replay.Policy, replay.PolicyVersion, replay.RequestedBy, since = replay.Since?.ToUnixTimeMilliseconds(), replay.Limit, replay.MaxTokens,
                report = StoredJson.Serialize(new SavedReport(new ReplayCounts(0, 0, 0), [])), at,
            });
    }

    public async Task SaveAsync(Guid id, string status, ReplayCounts counts, IReadOnlyList<CheckReplay> checks, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        await db.ExecuteAsync("""
            UPDATE replays SET status = @status, report = @report, updated_at = @at, completed_at = @completed WHERE id = @id
            """,
            new
            {
                id = id.ToString(), status, report = StoredJson.Serialize(new SavedReport(counts, checks)), at = at.ToUnixTimeMilliseconds(),
                completed = status == "running" ? (long?)null : at.ToUnixTimeMilliseconds(),
            });
    }

    public async Task<ReplayReport?> GetAsync(Guid id, DateTimeOffset staleBefore, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var row = await db.QuerySingleOrDefaultAsync<ReplayRow>("""
            SELECT id, policy, policy_version AS PolicyVersion, requested_by AS RequestedBy, since, max_reviews AS MaxReviews, max_tokens AS MaxTokens, status, report,
                   created_at AS CreatedAt, updated_at AS UpdatedAt, completed_at AS CompletedAt
            FROM replays WHERE id = @id
            """, new { id = id.ToString() });
        if (row is null)
        {
            return null;
        }
        var report = StoredJson.Deserialize<SavedReport>(row.Report)!;
        var status = row.Status == "running" && row.UpdatedAt < staleBefore.ToUnixTimeMilliseconds() ? "interrupted" : row.Status;
        return new ReplayReport(Guid.Parse(row.Id), row.Policy, row.PolicyVersion, row.RequestedBy,
            row.Since is { } s ? DateTimeOffset.FromUnixTimeMilliseconds(s) : null, (int)row.MaxReviews, row.MaxTokens ?? ReplaysApi.DefaultMaxTokens, status, report.Counts, report.Checks,
            DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), row.CompletedAt is { } c ? DateTimeOffset.FromUnixTimeMilliseconds(c) : null);
    }

    public async Task<IReadOnlyList<StoredReview>> ReadReviewsAsync(string policy, DateTimeOffset? since, (long CreatedAt, string Id)? after, int limit, CancellationToken ct)
    {
        await using var db = await dialect.OpenAsync(ct);
        var rows = await db.QueryAsync<StoredRow>($"""
            SELECT r.id, r.policy_version AS PolicyVersion, r.findings, d.text, r.created_at AS CreatedAt
            FROM reviews r JOIN documents d ON d.review_id = r.id
            WHERE r.policy = @policy AND r.status <> 'pending'{(since is null ? "" : " AND r.created_at >= @since")}
                  {(after is null ? "" : " AND (r.created_at < @afterTime OR (r.created_at = @afterTime AND r.id < @afterId))")}
            ORDER BY r.created_at DESC, r.id DESC LIMIT @limit
            """, new { policy, since = since?.ToUnixTimeMilliseconds(), afterTime = after?.CreatedAt, afterId = after?.Id, limit });
        return [.. rows.Select(r => new StoredReview(Guid.Parse(r.Id), r.PolicyVersion, StoredJson.Deserialize<List<CheckFinding>>(r.Findings) ?? [], r.Text,
            DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt)))];
    }

    sealed record SavedReport(ReplayCounts Counts, IReadOnlyList<CheckReplay> Checks);

    sealed record ReplayRow(
        string Id, string Policy, string PolicyVersion, string RequestedBy, long? Since, long MaxReviews, long? MaxTokens, string Status, string Report, long CreatedAt,
        long UpdatedAt, long? CompletedAt);

    sealed record StoredRow(string Id, string PolicyVersion, string? Findings, string? Text, long CreatedAt);
}
