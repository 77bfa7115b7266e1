using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReviewService.ReviewQueue;
using ReviewService.Reviews;
using ReviewService.Storage;
using ReviewService.Webhooks;
using ReviewService.Tests.Storage;

namespace ReviewService.Tests.Reviews;

/// <summary>
/// A submission that waits is stored leased to the instance that accepted it and evaluated there at once: one write
/// fewer than a worker's lease, and no other instance takes it (whose answer the submission would learn only by polling).
/// </summary>
public sealed class EvaluatedWhereSubmittedTests : IDisposable
{
    readonly string _file = Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    [Fact]
    public async Task AReviewStoredLeasedIsLeasedByNoWorkerUntilItsLeaseRunsOutAndThenCountsASecondAttempt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dialect = new SqliteDialect($"Data Source={_file}");
        var store = new SqlReviewStore(dialect, clock, new Outbox(new OutboxSignal(clock)));
        await store.MigrateAsync(default);
        var leased = PostgresConcurrencyTests.NewReview(clock.GetUtcNow()) with { Lease = new Lease("instance-a/submission", clock.GetUtcNow().AddMinutes(2)) };
        var unleased = PostgresConcurrencyTests.NewReview(clock.GetUtcNow().AddMilliseconds(1));
        await store.CreateAsync(leased, default);
        await store.CreateAsync(unleased, default);

        // The older review is held by the instance that accepted it: a worker gets the newer one.
        Assert.Equal(unleased.Id, (await store.ClaimNextAsync("instance-b/0", TimeSpan.FromMinutes(2), default))?.Id);
        Assert.Null(await store.ClaimNextAsync("instance-b/0", TimeSpan.FromMinutes(2), default));

        // Its instance died with it: once the lease runs out, a worker takes it over, as its second attempt.
        clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromMilliseconds(1));
        var takenOver = await store.ClaimNextAsync("instance-b/1", TimeSpan.FromMinutes(2), default);
        Assert.Equal((leased.Id, 2), (takenOver?.Id, takenOver?.Attempts));
    }

    [Fact]
    public void AnInstanceGivesSubmissionsItsTurnsAndNoneWithoutWorkers()
    {
        using var app = new ReviewApp(settings: new() { ["Processing:SubmissionTurns"] = "2" });
        _ = app.Analyst(); // starts the host and its workers
        var worker = app.Services.GetRequiredService<ReviewWorker>();

        var turns = new[] { worker.Reserve(), worker.Reserve() };
        Assert.All(turns, t => Assert.StartsWith($"{Environment.MachineName}:", t?.Holder, StringComparison.Ordinal));
        Assert.Null(worker.Reserve());
        worker.Return();
        Assert.NotNull(worker.Reserve());

        using var acceptOnly = new ReviewApp(settings: new() { ["Processing:Enabled"] = "false" });
        _ = acceptOnly.Analyst();
        Assert.Null(acceptOnly.Services.GetRequiredService<ReviewWorker>().Reserve());
    }
}
