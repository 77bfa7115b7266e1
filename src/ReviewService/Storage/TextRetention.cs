using Microsoft.Extensions.Options;

namespace ReviewService.Storage;

public sealed class RetentionOptions
{
    public const string Section = "Retention";
    /// <summary>Days after a review is finished (completed or failed) before its document text and file are purged; 0 keeps them forever.</summary>
    public double TextDays { get; set; }
    /// <summary>How often the purge runs.</summary>
    public double IntervalMinutes { get; set; } = 60;
    /// <summary>Reviews purged per transaction batch, so one pass never holds the database for long.</summary>
    public int BatchSize { get; set; } = 200;
}

/// <summary>
/// Purges the text of finished reviews once they are older than <see cref="RetentionOptions.TextDays"/>. The decision, findings,
/// verdicts and audit trail are the compliance record and stay; the purge itself is recorded. Safe on every instance at once.
/// </summary>
public sealed partial class TextRetention(IReviewStore store, IOptions<RetentionOptions> options, TimeProvider clock, ILogger<TextRetention> log)
    : BackgroundService
{
    readonly RetentionOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.TextDays <= 0)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(_options.IntervalMinutes), clock, stoppingToken);
                await PurgeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (System.Data.Common.DbException e)
            {
                LogPurgeFailed(e);
            }
        }
    }

    /// <summary>One pass: purges in batches until nothing old enough is left.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - TimeSpan.FromDays(_options.TextDays);
        var total = 0;
        int purged;
        do
        {
            purged = await store.PurgeTextAsync(before, _options.BatchSize, ct);
            total += purged;
        }
        while (purged == _options.BatchSize);
        if (total > 0)
        {
            LogPurged(total, before);
        }
        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purged the text of {Count} reviews finished before {Before:O}")]
    partial void LogPurged(int count, DateTimeOffset before);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention could not purge; it tries again at the next interval")]
    partial void LogPurgeFailed(Exception e);
}
