using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using ReviewService.Reviews;
using ReviewService.Storage;
using ReviewService.Webhooks;
using ReviewService.Tests.ReviewQueue;

namespace ReviewService.Tests.Storage;

/// <summary>Instances sharing one PostgreSQL database: migrations, review leases and reviewers' claims each have one winner.</summary>
[Trait("Storage", "PostgresOnly")]
public sealed class PostgresConcurrencyTests
{
    [PostgresFact]
    public async Task ARelaxedTransactionTurnsSynchronousCommitOffForItselfOnlyNotForThePooledConnection()
    {
        using var dialect = new PostgresDialect(TestPostgres.NewDatabase());

        async Task<(string Inside, string After)> SettingAsync(Commit commit)
        {
            await using var db = await dialect.OpenAsync(default);
            string inside;
            await using (var tx = await dialect.BeginAsync(db, commit, default))
            {
                inside = (await db.ExecuteScalarAsync<string>("SHOW synchronous_commit", transaction: tx))!;
                await tx.CommitAsync();
            }
            return (inside, (await db.ExecuteScalarAsync<string>("SHOW synchronous_commit"))!);
        }

        Assert.Equal(("off", "on"), await SettingAsync(Commit.Relaxed));
        Assert.Equal(("on", "on"), await SettingAsync(Commit.Durable));
    }

    [PostgresFact]
    public async Task InstancesStartingTogetherMigrateOnceAndTheirWorkersNeverLeaseTheSameReview()
    {
        var database = TestPostgres.NewDatabase();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var first = new PostgresDialect(database);
        using var second = new PostgresDialect(database);
        var stores = new[] { new SqlReviewStore(first, clock, new Outbox(new OutboxSignal(clock))), new SqlReviewStore(second, clock, new Outbox(new OutboxSignal(clock))) };

        await Task.WhenAll(stores.Select(s => s.MigrateAsync(CancellationToken.None)));
        await using (var db = new NpgsqlConnection(database))
        {
            Assert.Equal(first.Migrations.Count, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
        }
        var created = new List<Guid>();
        for (var i = 0; i < 200; i++)
        {
            var review = NewReview(clock.GetUtcNow().AddMilliseconds(i));
            await stores[i % 2].CreateAsync(review, CancellationToken.None);
            created.Add(review.Id);
        }

        // Eight workers, four per instance, each with its own connection pool, lease until nothing is left.
        var leased = await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            var mine = new List<Guid>();
            while (await stores[worker % 2].ClaimNextAsync($"worker-{worker}", TimeSpan.FromMinutes(5), CancellationToken.None) is { } item)
            {
                mine.Add(item.Id);
            }
            return mine;
        }));

        var all = leased.SelectMany(l => l).ToList();
        Assert.Equal(created.Order(), all.Order());
        Assert.True(leased.Count(l => l.Count > 0) > 1, "The leases were not spread over the workers.");

        // Leases still running: no one gets them; once expired, another instance takes one over.
        Assert.Null(await stores[0].ClaimNextAsync("late-worker", TimeSpan.FromMinutes(5), CancellationToken.None));
        clock.Advance(TimeSpan.FromMinutes(6));
        var takenOver = await stores[1].ClaimNextAsync("late-worker", TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.NotNull(takenOver);
        Assert.Equal(2, takenOver.Attempts);
    }

    [PostgresFact]
    public async Task TwoReviewersOnTwoInstancesClaimingOneItemHaveOneWinner()
    {
        var database = TestPostgres.NewDatabase();
        using var a = new ReviewApp(settings: TestPostgres.Settings(database));
        using var b = new ReviewApp(settings: TestPostgres.Settings(database));
        var (onA, onB) = (a.WithKey(ReviewApp.ReviewerKey), b.WithKey(ReviewApp.Reviewer2Key));
        for (var i = 0; i < 5; i++)
        {
            var (_, item) = await a.SubmitAndFindItemAsync(Fixtures.Text("contract.txt") + $"\n\nCopy {i}.");
            var answers = await Task.WhenAll(onA.ClaimAsync(item), onB.ClaimAsync(item));
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(r => r.StatusCode).Order());
        }
    }

    [PostgresFact]
    public async Task WithNotificationsOffASubmissionWaitingOnAnInstanceWithoutWorkersIsAnsweredByReadingTheDatabase()
    {
        var database = TestPostgres.NewDatabase();
        var clock = new TestClock();
        using var acceptOnly = new ReviewApp(settings: new(TestPostgres.Settings(database)) { ["Processing:Enabled"] = "false", ["Storage:Notifications"] = "false" }) { Clock = clock };
        using var worker = new ReviewApp(settings: TestPostgres.Settings(database));
        var onWorker = worker.Analyst(); // starts its workers

        // No signal crosses instances: the waiting one reads the database each time a slice of its wait has passed on its clock.
        var reading = clock.NextWaitAsync(SubmitReview.OtherInstancesPoll);
        var answering = acceptOnly.Analyst().SubmitAsync(ReviewRequests.Text(Fixtures.Text("contract.txt")), wait: "30");
        await reading;
        var id = (await (await onWorker.GetAsync("/v1/reviews/")).JsonAsync()).GetProperty("items")[0].GetProperty("id").GetString()!;
        Assert.NotEqual("pending", (await onWorker.WaitForReviewAsync(id)).GetProperty("status").GetString());
        Assert.False(answering.IsCompleted);

        clock.Advance(SubmitReview.OtherInstancesPoll);
        var response = await answering;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotEqual("pending", (await response.JsonAsync()).GetProperty("status").GetString());
    }

    [PostgresFact]
    public async Task InstancesTellEachOtherOfNewWorkAndOfFinishedReviewsWithoutWaitingForAPoll()
    {
        var database = TestPostgres.NewDatabase();
        using var pair = await ListeningPairAsync(database);
        var (client, onWorker) = (pair.Accepting.Analyst(), pair.Working.Analyst());

        // A bound for a broken service, not a wait the test relies on: without the notifications the answer never comes.
        using var response = await client.SubmitAsync(ReviewRequests.Text(Fixtures.Text("contract.txt")), wait: "30").WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var review = await response.JsonAsync();
        Assert.NotEqual("pending", review.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await onWorker.GetAsync($"/v1/reviews/{review.GetProperty("id").GetString()}")).StatusCode);
    }

    [PostgresFact]
    public async Task AListenerWhoseConnectionIsKilledListensAgainAndMissesNothingAfter()
    {
        var database = TestPostgres.NewDatabase();
        using var pair = await ListeningPairAsync(database);
        var (acceptClock, workerClock, client) = (pair.AcceptingClock, pair.WorkingClock, pair.Accepting.Analyst());

        // The server ends both listening sessions (a restart, a failover, an administrator): each instance notices, waits 1 s
        // on its clock and listens again.
        var retries = new[] { acceptClock.NextWaitAsync(TimeSpan.FromSeconds(1)), workerClock.NextWaitAsync(TimeSpan.FromSeconds(1)) };
        await using (var admin = new NpgsqlConnection(database))
        {
            await admin.OpenAsync();
            Assert.Equal(2, await admin.ExecuteScalarAsync<long>(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'"));
        }
        await Task.WhenAll(retries);
        acceptClock.Advance(TimeSpan.FromSeconds(1));
        workerClock.Advance(TimeSpan.FromSeconds(1));
        await Listening(pair.Accepting);
        await Listening(pair.Working);

        // A bound for a broken service, not a wait the test relies on.
        using var response = await client.SubmitAsync(ReviewRequests.Text(Fixtures.Text("contract.txt")), wait: "30").WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotEqual("pending", (await response.JsonAsync()).GetProperty("status").GetString());
    }

    /// <summary>
    /// Two instances on one database, both listening, their clocks standing still: one accepts submissions and evaluates none,
    /// the other has one worker, idle. A worker's poll and a waiting submission's reads of the database never come round, so
    /// only the notifications can bring a review to the other instance's worker and its answer back.
    /// </summary>
    sealed record ListeningPair(ReviewApp Accepting, TestClock AcceptingClock, ReviewApp Working, TestClock WorkingClock) : IDisposable
    {
        public void Dispose()
        {
            Accepting.Dispose();
            Working.Dispose();
        }
    }

    static async Task<ListeningPair> ListeningPairAsync(string database)
    {
        var (acceptClock, workerClock) = (new TestClock(), new TestClock());
        var pair = new ListeningPair(
            new ReviewApp(settings: new(TestPostgres.Settings(database)) { ["Processing:Enabled"] = "false" }) { Clock = acceptClock }, acceptClock,
            new ReviewApp(settings: new(TestPostgres.Settings(database)) { ["Processing:Workers"] = "1" }) { Clock = workerClock }, workerClock);
        var idle = workerClock.NextWaitAsync(ReviewApp.WorkerPoll);
        pair.Working.Analyst(); // starts its worker, which finds nothing and waits
        await idle;
        pair.Accepting.Analyst();
        await Listening(pair.Accepting);
        await Listening(pair.Working);
        return pair;
    }

    static Task Listening(ReviewApp app) =>
        app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ReviewNotifications>().Single().Listening.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>A short contract to store, created at <paramref name="at"/>.</summary>
    internal static NewReview NewReview(DateTimeOffset at)
    {
        var text = "This Agreement is governed by the laws of the State of New York.";
        return new NewReview(Guid.NewGuid(), "contract-review", "test", new DocumentInfo("c.txt", "text/plain", "text", "00", text.Length, text.Length, [0]),
            System.Text.Encoding.UTF8.GetBytes(text), text, null, new Dictionary<string, string>(), null, "hash", "analyst-1", null, null, at);
    }
}
