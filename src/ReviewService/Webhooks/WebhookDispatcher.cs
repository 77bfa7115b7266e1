using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using ReviewService.Storage;
using ReviewService.Telemetry;

namespace ReviewService.Webhooks;

/// <summary>
/// Sends the outbox: leases due deliveries (on PostgreSQL, several instances' dispatchers share them, each row leased to one),
/// sends each, and records the attempt. A failed attempt is tried again after an exponential back-off with jitter, until
/// <see cref="WebhookOptions.RetryHours"/> have passed; then the delivery is failed, and can be sent again by hand.
/// The schedule lives in the rows, not in memory, so retries survive restarts (which an in-process retry policy would not).
/// </summary>
public sealed partial class WebhookDispatcher(
    IWebhookStore store, WebhookSender sender, OutboxSignal signal, IOptions<WebhookOptions> options, TimeProvider clock,
    ILogger<WebhookDispatcher> log) : BackgroundService
{
    const int BatchSize = 32;
    readonly WebhookOptions _options = options.Value;
    readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}/webhooks";

    /// <summary>How often finished deliveries older than <see cref="WebhookOptions.KeepDays"/> are removed from the log.</summary>
    static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var pruned = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = clock.GetUtcNow();
                if (now - pruned >= PruneEvery)
                {
                    LogPruned(await store.PruneAsync(now - TimeSpan.FromDays(_options.KeepDays), stoppingToken), _options.KeepDays);
                    pruned = now;
                }
                // Long enough for every delivery of a batch to finish its request, one slot after another.
                var lease = TimeSpan.FromSeconds(_options.TimeoutSeconds * (Math.Ceiling(BatchSize / (double)_options.MaxConcurrentDeliveries) + 1));
                var due = await store.ClaimDueAsync(_owner, now, now + lease, BatchSize, stoppingToken);
                if (due.Count == 0)
                {
                    await signal.WaitAsync(TimeSpan.FromSeconds(_options.PollSeconds), stoppingToken);
                    continue;
                }
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentDeliveries, CancellationToken = stoppingToken },
                    async (delivery, ct) => await DeliverAsync(delivery, ct));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (DbException e)
            {
                ReviewTelemetry.StoreErrors.Add(1, new KeyValuePair<string, object?>("operation", "webhooks"));
                LogStoreUnavailable(e);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
            }
        }
    }

    async Task DeliverAsync(DueDelivery due, CancellationToken ct)
    {
        using var activity = ReviewTelemetry.Source.StartActivity("webhook.deliver", ActivityKind.Producer);
        activity?.SetTag("webhook.id", due.Delivery.WebhookId);
        activity?.SetTag("webhook.event", due.Delivery.EventType);
        activity?.SetTag("webhook.attempt", due.Delivery.Attempts + 1);
        var attempt = await sender.SendAsync(due, ct);
        var outcome = Next(due.Delivery, attempt, _options, Random.Shared.NextDouble());
        activity?.SetTag("http.response.status_code", attempt.StatusCode);
        if (!attempt.Succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error, attempt.Error ?? $"HTTP {attempt.StatusCode}");
        }
        if (!await store.RecordAttemptAsync(due, attempt, outcome, ct))
        {
            LogLeaseLost(due.Delivery.Id);
            return;
        }
        var result = outcome.Status switch
        {
            DeliveryStatus.Delivered => "delivered",
            DeliveryStatus.Failed => "gave_up",
            _ => "retry",
        };
        ReviewTelemetry.WebhookDeliveries.Add(1, new TagList { { "event", due.Delivery.EventType }, { "outcome", result } });
        if (!attempt.Succeeded)
        {
            LogAttemptFailed(due.Delivery.Id, due.Delivery.EventType, new Uri(due.Url).Host, attempt.StatusCode, attempt.Error, result);
        }
    }

    /// <summary>
    /// Where a delivery goes after <paramref name="attempt"/>: a 2xx ends it; otherwise the next try waits
    /// <see cref="RetryDelay"/>, unless that is past the retry window, which fails it.
    /// </summary>
    public static AttemptOutcome Next(Delivery delivery, DeliveryAttempt attempt, WebhookOptions options, double random)
    {
        if (attempt.Succeeded)
        {
            return new AttemptOutcome(DeliveryStatus.Delivered, null);
        }
        var next = attempt.At + RetryDelay(delivery.Attempts + 1, options, random);
        return next > delivery.RetryFrom + TimeSpan.FromHours(options.RetryHours)
            ? new AttemptOutcome(DeliveryStatus.Failed, null)
            : new AttemptOutcome(DeliveryStatus.Pending, next);
    }

    /// <summary>
    /// After the <paramref name="attempts"/>th failed attempt: the first delay doubled per attempt, capped, then between half and all
    /// of it at random ("equal jitter"), so receivers coming back are not hit by every sender at once, nor retried at once.
    /// </summary>
    public static TimeSpan RetryDelay(int attempts, WebhookOptions options, double random)
    {
        var backOff = Math.Min(options.FirstRetryDelaySeconds * Math.Pow(2, Math.Min(attempts - 1, 30)), options.MaxRetryDelaySeconds);
        return TimeSpan.FromSeconds(backOff * (0.5 + random / 2));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} ({Event}) to {Host} failed: status {StatusCode}, {Error}; {Outcome}")]
    partial void LogAttemptFailed(Guid deliveryId, string @event, string host, int? statusCode, string? error, string outcome);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook log: {Count} finished deliveries older than {Days} days removed")]
    partial void LogPruned(int count, double days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId}: lease lost before the attempt was recorded")]
    partial void LogLeaseLost(Guid deliveryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The webhook store is unavailable; the dispatcher retries in 1 s")]
    partial void LogStoreUnavailable(Exception e);
}
