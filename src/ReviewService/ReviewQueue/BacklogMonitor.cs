using System.Data.Common;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using ReviewService.Judge;
using ReviewService.Policies;
using ReviewService.Storage;
using ReviewService.Telemetry;

namespace ReviewService.ReviewQueue;

/// <summary>
/// Reads the backlog from the database every <see cref="QueueOptions.BacklogPollSeconds"/> and exposes it as gauges:
/// open queue items and the age of the oldest (by policy and kind), pending reviews and the age of the oldest, and the share
/// of the daily token budget spent. A poll, not a query per scrape, so a busy scraper cannot load the database.
/// </summary>
public sealed partial class BacklogMonitor : BackgroundService
{
    readonly IQueueStore _store;
    readonly TimeProvider _clock;
    readonly QueueOptions _options;
    readonly DailyTokenBudget? _budget;
    readonly ILogger<BacklogMonitor> _log;
    readonly IReadOnlyList<string> _policies;
    volatile Backlog? _latest;

    public BacklogMonitor(IQueueStore store, PolicyCatalog policies, TimeProvider clock, IOptions<QueueOptions> options, IMeterFactory meters,
        IServiceProvider services, ILogger<BacklogMonitor> log)
    {
        (_store, _clock, _options, _log) = (store, clock, options.Value, log);
        _policies = [.. policies.All.Select(p => p.Name)];
        _budget = services.GetService<DailyTokenBudget>();
        var meter = meters.Create(ReviewTelemetry.Name);
        meter.CreateObservableGauge("reviews.queue.depth", ObserveDepth, "{item}", "Open queue items, by policy and kind (review, qa-sample).");
        meter.CreateObservableGauge("reviews.queue.oldest.age", ObserveQueueAge, "s", "Age of the oldest open queue item, by policy and kind.");
        meter.CreateObservableGauge("reviews.backlog", () => _latest?.Pending ?? 0, "{review}", "Reviews accepted and not yet evaluated.");
        meter.CreateObservableGauge("reviews.backlog.oldest.age", ObservePendingAge, "s", "Age of the oldest review not yet evaluated (0 when none).");
        if (_budget is { Limit: > 0 } budget)
        {
            meter.CreateObservableGauge("reviews.llm.budget.used.ratio", () => budget.Used / (double)budget.Limit, "1", "Share of today's LLM token budget spent (this instance's count).");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.BacklogPollSeconds), _clock);
        do
        {
            try
            {
                _latest = await _store.GetBacklogAsync(stoppingToken);
            }
            catch (DbException e)
            {
                LogPollFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    IEnumerable<Measurement<int>> ObserveDepth() => Depths().Select(q => new Measurement<int>(q.Items, Tags(q)));

    IEnumerable<Measurement<double>> ObserveQueueAge()
    {
        var now = _clock.GetUtcNow();
        return Depths().Select(q => new Measurement<double>(q.Items == 0 ? 0 : (now - q.Oldest).TotalSeconds, Tags(q)));
    }

    /// <summary>Every loaded policy and kind, with zero when nothing is open: an empty queue is a value, not a missing series.</summary>
    IEnumerable<QueueDepth> Depths()
    {
        var open = (_latest?.Queue ?? []).ToDictionary(q => (q.Policy, q.Kind));
        return _policies.Concat(open.Keys.Select(k => k.Policy)).Distinct()
            .SelectMany(policy => new[] { QueueKinds.Review, QueueKinds.QaSample }.Select(kind =>
                open.GetValueOrDefault((policy, kind)) ?? new QueueDepth(policy, kind, 0, DateTimeOffset.MinValue)));
    }

    double ObservePendingAge() => _latest?.OldestPending is { } oldest ? (_clock.GetUtcNow() - oldest).TotalSeconds : 0;

    static KeyValuePair<string, object?>[] Tags(QueueDepth q) => [new("policy", q.Policy), new("kind", q.Kind)];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backlog gauges: the database could not be read; the gauges keep their last values")]
    partial void LogPollFailed(Exception e);
}
