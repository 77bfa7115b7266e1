using System.Threading.Channels;
using ReviewService.Reviews;
using ReviewService.Storage;
using ReviewService.Telemetry;

namespace ReviewService.Replays;

/// <summary>
/// Runs replays in the background, one at a time, in the instance that accepted them: each stored review is evaluated again
/// (rules, retrieval, and the judge when one is configured) and compared with what was stored, which is never changed.
/// The report is saved every <see cref="SaveEvery"/> reviews; one whose instance stops is reported <c>interrupted</c>. A replay
/// stops, <c>budget-spent</c>, once its judge has spent the replay's token budget: the judge's daily budget is shared with the
/// live reviews, which a large replay must not starve.
/// </summary>
public sealed partial class ReplayRunner(IReplayStore store, ReviewEvaluator evaluator, TimeProvider clock, ILogger<ReplayRunner> log) : BackgroundService
{
    const int SaveEvery = 10;
    public const string Completed = "completed";
    public const string BudgetSpent = "budget-spent";
    const int PageSize = 50;
    /// <summary>A running replay not saved for this long has lost its instance.</summary>
    public static readonly TimeSpan Stale = TimeSpan.FromMinutes(10);

    readonly Channel<ReplayRequest> _requests = Channel.CreateUnbounded<ReplayRequest>();

    public void Enqueue(ReplayRequest replay) => _requests.Writer.TryWrite(replay);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var replay in _requests.Reader.ReadAllAsync(stoppingToken))
        {
            var tally = new ReplayTally();
            try
            {
                var status = await RunAsync(replay, tally, stoppingToken);
                await store.SaveAsync(replay.Id, status, tally.Counts, tally.Checks, clock.GetUtcNow(), stoppingToken);
                LogCompleted(replay.Id, replay.Policy, replay.PolicyVersion, status, tally.Replayed, tally.SkippedPurged, tally.Failed, tally.Tokens);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await store.SaveAsync(replay.Id, "interrupted", tally.Counts, tally.Checks, clock.GetUtcNow(), CancellationToken.None);
                return;
            }
        }
    }

    /// <summary>Replays the reviews in pages; returns the status it ended with.</summary>
    async Task<string> RunAsync(ReplayRequest replay, ReplayTally tally, CancellationToken ct)
    {
        using var activity = ReviewTelemetry.Source.StartActivity("policy.replay");
        activity?.SetTag("policy.name", replay.Policy);
        activity?.SetTag("policy.version", replay.PolicyVersion);
        (long, string)? after = null;
        var seen = 0;
        while (seen < replay.Limit)
        {
            var page = await store.ReadReviewsAsync(replay.Policy, replay.Since, after, Math.Min(PageSize, replay.Limit - seen), ct);
            if (page.Count == 0)
            {
                return Completed;
            }
            foreach (var review in page)
            {
                if (tally.Tokens >= replay.MaxTokens)
                {
                    return BudgetSpent;
                }
                await ReplayAsync(replay, review, tally, ct);
                if (++seen % SaveEvery == 0)
                {
                    await store.SaveAsync(replay.Id, "running", tally.Counts, tally.Checks, clock.GetUtcNow(), ct);
                }
            }
            after = (page[^1].CreatedAt.ToUnixTimeMilliseconds(), page[^1].Id.ToString());
        }
        return Completed;
    }

    async Task ReplayAsync(ReplayRequest replay, StoredReview review, ReplayTally tally, CancellationToken ct)
    {
        if (review.Text is null)
        {
            tally.Purged();
            return;
        }
        try
        {
            var result = await evaluator.EvaluateAsync(new WorkItem(review.Id, replay.Policy, review.Text, null, 0, review.CreatedAt, $"replay {replay.Id}"), ct);
            tally.Add(review.Id, review.Findings, result.Findings);
            tally.Spent(result.LlmUsage?.TotalTokens ?? 0);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            tally.Unreadable();
            LogReviewFailed(e, replay.Id, review.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay {ReplayId} of {Policy} {Version} {Status}: {Replayed} reviews, {Purged} skipped (text purged), {Failed} failed, {Tokens} judge tokens")]
    partial void LogCompleted(Guid replayId, string policy, string version, string status, int replayed, int purged, int failed, long tokens);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay {ReplayId}: review {ReviewId} could not be evaluated")]
    partial void LogReviewFailed(Exception e, Guid replayId, Guid reviewId);
}
