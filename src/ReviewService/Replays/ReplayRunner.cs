using System.Threading.Channels;
using ReviewService.Reviews;
using ReviewService.Storage;
using ReviewService.Telemetry;

namespace ReviewService.Replays;

/// <summary>
/// Runs replays in the background, one at a time, in the instance that accepted them: each stored review is evaluated again
/// (rules, retrieval, and the judge when one is configured) and compared with what was stored, which is never changed.
/// The report is saved every <see cref="SaveEvery"/> reviews; one whose instance stops is reported <c>interrupted</c>.
/// </summary>
public sealed partial class ReplayRunner(IReplayStore store, ReviewEvaluator evaluator, TimeProvider clock, ILogger<ReplayRunner> log) : BackgroundService
{
    const int SaveEvery = 10;
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
                await RunAsync(replay, tally, stoppingToken);
                await store.SaveAsync(replay.Id, "completed", tally.Counts, tally.Checks, clock.GetUtcNow(), stoppingToken);
                LogCompleted(replay.Id, replay.Policy, replay.PolicyVersion, tally.Replayed, tally.SkippedPurged, tally.Failed);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await store.SaveAsync(replay.Id, "interrupted", tally.Counts, tally.Checks, clock.GetUtcNow(), CancellationToken.None);
                return;
            }
        }
    }

    async Task RunAsync(ReplayRequest replay, ReplayTally tally, CancellationToken ct)
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
                return;
            }
            foreach (var review in page)
            {
                await ReplayAsync(replay, review, tally, ct);
                if (++seen % SaveEvery == 0)
                {
                    await store.SaveAsync(replay.Id, "running", tally.Counts, tally.Checks, clock.GetUtcNow(), ct);
                }
            }
            after = (page[^1].CreatedAt.ToUnixTimeMilliseconds(), page[^1].Id.ToString());
        }
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
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            tally.Unreadable();
            LogReviewFailed(e, replay.Id, review.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay {ReplayId} of {Policy} {Version} completed: {Replayed} reviews, {Purged} skipped (text purged), {Failed} failed")]
    partial void LogCompleted(Guid replayId, string policy, string version, int replayed, int purged, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay {ReplayId}: review {ReviewId} could not be evaluated")]
    partial void LogReviewFailed(Exception e, Guid replayId, Guid reviewId);
}
