using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using ReviewService.Decisions;
using ReviewService.ReviewQueue;
using ReviewService.Storage;
using ReviewService.Telemetry;

namespace ReviewService.Reviews;

/// <summary>
/// Background workers: lease the oldest pending review from the database, evaluate it, save the result.
/// Every state lives in the database, so a restart (or a crash) loses nothing: pending reviews are simply leased again.
/// A submission that waits for its review takes a turn of its own (<see cref="Reserve"/>): stored already leased to
/// this instance, it is evaluated here at once (<see cref="Start"/>), not leased in a second write, nor by another
/// instance whose answer the submission would learn only by reading the database.
/// </summary>
public sealed partial class ReviewWorker(
    IReviewStore store, ReviewEvaluator evaluator, ReviewSignals signals, IOptions<ProcessingOptions> options,
    TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<ReviewWorker> log) : BackgroundService
{
    readonly ProcessingOptions _options = options.Value;
    readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    // Processing:SubmissionTurns submissions evaluated at once besides the workers; the rest wait for the workers.
    readonly SemaphoreSlim _turns = new(options.Value.SubmissionTurns);
    // The host's own stopping signal: it is raised before the hosted services stop, and outlives them.
    readonly CancellationToken _stopping = lifetime.ApplicationStopping;
    volatile bool _started;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.Workers)).Select(i => RunAsync($"{_instance}/{i}", stoppingToken)));

    // Started with the host, before it answers requests (ExecuteAsync itself may start later, on the thread pool).
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _started = true;
        return base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// A lease for a submission to be stored with, when this instance runs workers and one of its
    /// <see cref="ProcessingOptions.SubmissionTurns"/> is free; null
    /// otherwise (the review is stored unleased, for any instance's workers). A lease given must be <see cref="Start"/>ed or <see cref="Return"/>ed.
    /// </summary>
    public Lease? Reserve() =>
        _started && !_stopping.IsCancellationRequested && _turns.Wait(0)
            ? new Lease($"{_instance}/submission", clock.GetUtcNow() + TimeSpan.FromSeconds(_options.LeaseSeconds))
            : null;

    /// <summary>A lease not used: its review was not stored (a replay, or the store failed).</summary>
    public void Return() => _turns.Release();

    /// <summary>Evaluates a review stored with a <see cref="Reserve"/>d lease, apart from the request that stored it.</summary>
    public void Start(WorkItem item)
    {
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await ProcessAsync(item, _stopping);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: the lease runs out and a worker (after the restart) takes the review again.
                }
                catch (DbException e)
                {
                    StoreUnavailable(e);
                }
                finally
                {
                    _turns.Release();
                }
            });
        }
    }

    async Task RunAsync(string owner, CancellationToken ct)
    {
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var item = await store.ClaimNextAsync(owner, TimeSpan.FromSeconds(_options.LeaseSeconds), ct);
                if (item is null)
                {
                    await signals.WaitForWorkAsync(TimeSpan.FromSeconds(_options.PollSeconds), ct);
                    continue;
                }
                await ProcessAsync(item, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (DbException e)
            {
                StoreUnavailable(e);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, ct);
            }
        }
    }

    async Task ProcessAsync(WorkItem item, CancellationToken ct)
    {
        // The review's trace continues here: its context was stored with the submission.
        ActivityContext.TryParse(item.TraceParent, null, out var parent);
        using var activity = ReviewTelemetry.Source.StartActivity("review.process", ActivityKind.Consumer, parent);
        activity?.SetTag("review.id", item.Id);
        activity?.SetTag("review.attempt", item.Attempts);
        try
        {
            var result = await evaluator.EvaluateAsync(item, ct);
            if (await store.CompleteAsync(item.Id, item.LeaseOwner, result, ct))
            {
                var tags = new TagList { { "policy", item.Policy }, { "status", result.Status.ToWire() }, { "decision", result.Decision.Outcome } };
                ReviewTelemetry.ReviewsFinished.Add(1, tags);
                ReviewTelemetry.ReviewDuration.Record((clock.GetUtcNow() - item.CreatedAt).TotalSeconds, new KeyValuePair<string, object?>("policy", item.Policy));
                foreach (var finding in result.Findings)
                {
                    ReviewTelemetry.ChecksDecided.Add(1, new TagList { { "policy", item.Policy }, { "outcome", finding.Outcome.ToWire() }, { "decided_by", finding.DecidedBy?.ToWire() ?? "none" } });
                }
                if (result.DegradedReason is { } degraded)
                {
                    ReviewTelemetry.ReviewsDegraded.Add(1, new TagList { { "policy", item.Policy }, { "reason", degraded.Split(':')[0] } });
                    activity?.SetTag("review.degraded", degraded);
                }
                activity?.SetTag("review.status", result.Status.ToWire());
                LogFinished(item.Id, result.Status.ToWire(), result.Decision.Outcome);
            }
            else
            {
                LogLeaseLost(item.Id);
            }
            signals.Finished(item.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var final = item.Attempts >= _options.MaxAttempts;
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            activity?.AddException(e);
            LogEvaluationFailed(e, item.Id, item.Attempts, final);
            await store.RecordFailureAsync(item.Id, item.LeaseOwner, $"{e.GetType().Name}: {e.Message}", final,
                TimeSpan.FromSeconds(_options.RetryDelaySeconds * item.Attempts), CancellationToken.None);
            if (final)
            {
                ReviewTelemetry.ReviewsFinished.Add(1, new TagList { { "policy", item.Policy }, { "status", "failed" }, { "decision", "none" } });
                signals.Finished(item.Id);
            }
        }
    }

    void StoreUnavailable(DbException e)
    {
        ReviewTelemetry.StoreErrors.Add(1, new KeyValuePair<string, object?>("operation", "worker"));
        LogStoreUnavailable(e);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Review {ReviewId} finished: {Status}, decision {Decision}")]
    partial void LogFinished(Guid reviewId, string status, string decision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Review {ReviewId}: lease lost before saving; another worker owns it now")]
    partial void LogLeaseLost(Guid reviewId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Review {ReviewId}: evaluation failed on attempt {Attempt} (final: {Final})")]
    partial void LogEvaluationFailed(Exception e, Guid reviewId, int attempt, bool final);

    [LoggerMessage(Level = LogLevel.Error, Message = "The review store is unavailable; workers retry in 1 s")]
    partial void LogStoreUnavailable(Exception e);
}
