using System.Net;
using Dapper;
using Npgsql;
using Xunit.Abstractions;

namespace ReviewService.Tests.Storage;

/// <summary>
/// Two real service processes on one PostgreSQL. One is killed with SIGKILL in the middle of 1,000 submissions and started again:
/// every accepted submission becomes exactly one review, evaluated exactly once, and idempotency keys hold across instances.
/// </summary>
[Trait("Storage", "PostgresOnly")]
public sealed class TwoInstanceCrashTests(ITestOutputHelper output)
{
    const int Submissions = 1000;

    static Dictionary<string, string?> Settings(string database) => new(TestPostgres.Settings(database))
    {
        ["Processing:Workers"] = "2",
        // Short leases, so the killed instance's reviews come back within the test.
        ["Processing:LeaseSeconds"] = "4",
        ["Processing:PollSeconds"] = "0.2",
    };

    [PostgresFact]
    public async Task AnInstanceKilledMidRunLosesNothingAndNothingIsDecidedTwice()
    {
        var database = TestPostgres.NewDatabase();
        using var b = await ServiceProcess.StartAsync(Settings(database));
        var a = await ServiceProcess.StartAsync(Settings(database));
        var clients = new[] { a.Client(ReviewApp.AnalystKey), b.Client(ReviewApp.AnalystKey) };
        var text = Fixtures.Text("contract.txt");
        var submitted = 0;

        // Each submission goes to one instance; when it cannot answer, the client retries on the other with the same key.
        var load = Parallel.ForEachAsync(Enumerable.Range(0, Submissions), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var response = await clients[(i + attempt) % 2].SubmitAsync(ReviewRequests.Text($"{text}\n\nCopy {i}."), wait: "0", idempotencyKey: $"load-{i}");
                    if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Created or HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref submitted);
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The instance is down (or died while answering): the other one takes the retry.
                }
                Assert.True(attempt < 50, $"Submission {i} was refused 50 times.");
                await Task.Delay(100, ct);
            }
        });

        await using var db = new NpgsqlConnection(database);
        await WaitUntilAsync(() => Volatile.Read(ref submitted) >= Submissions * 3 / 10, "300 submissions accepted");
        // Kill A while its workers hold leases, so there are reviews only a takeover can finish. What it held is read after the
        // kill (a review seen leased just before may have been finished by A in between); its leases outlive it, so nobody has
        // taken those yet. Should A happen to die holding nothing, it is restarted and killed again.
        const string HeldBy = "SELECT id FROM reviews WHERE status = 'pending' AND lease_owner LIKE @owner";
        IReadOnlyList<string> held = [];
        for (var round = 1; held.Count == 0; round++)
        {
            Assert.True(round <= 5, "Instance A held no lease in five kills, so the takeover cannot be shown.");
            var owner = $"%:{a.ProcessId}:%";
            await WaitUntilAsync(async () => (await db.QueryAsync<string>(HeldBy, new { owner })).Any(), "instance A holding a lease");
            a.Kill();
            held = [.. await db.QueryAsync<string>(HeldBy, new { owner })];
            output.WriteLine($"Killed instance A (pid {a.ProcessId}) after {Volatile.Read(ref submitted)} submissions, holding {held.Count} reviews.");
            a.Dispose();
            a = await ServiceProcess.StartAsync(Settings(database));
            clients[0] = a.Client(ReviewApp.AnalystKey);
        }
        using var restarted = a;
        await load;

        await WaitUntilAsync(async () => await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM reviews WHERE status = 'pending'") == 0,
            "no review left pending", seconds: 240);

        // None lost, none accepted twice: one review per idempotency key, all evaluated.
        var reviews = (await db.QueryAsync<(string Id, string Key, string Status, long Attempts)>(
            "SELECT id, idempotency_key, status, attempts FROM reviews")).ToList();
        Assert.Equal(Submissions, reviews.Count);
        // Keys are stored per credential.
        Assert.Equal(Enumerable.Range(0, Submissions).Select(i => $"analyst-1:load-{i}").Order(), reviews.Select(r => r.Key).Order());
        Assert.All(reviews, r => Assert.Contains(r.Status, new[] { "completed", "needs_review" }));
        // Decided once: the append-only audit log has exactly one 'evaluated' line per review, and at most one queue item.
        var evaluations = (await db.QueryAsync<(string Id, long Count)>(
            "SELECT review_id, COUNT(*) FROM audit_log WHERE action = 'evaluated' GROUP BY review_id")).ToDictionary(e => e.Id, e => e.Count);
        Assert.Equal(reviews.Select(r => r.Id).Order(), evaluations.Keys.Order());
        Assert.All(evaluations, e => Assert.Equal(1, e.Value));
        Assert.Equal(reviews.Count(r => r.Status == "needs_review"), await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM queue"));
        // The killed instance's reviews were finished by another worker after its lease expired.
        Assert.All(held, id => Assert.True(reviews.Single(r => r.Id == id).Attempts >= 2, $"Review {id} was held by the killed instance but leased only once."));
        output.WriteLine($"{reviews.Count} reviews, {reviews.Count(r => r.Attempts > 1)} leased more than once, each evaluated once.");
    }

    [PostgresFact]
    public async Task TheSameIdempotencyKeyOnBothInstancesIsOneReview()
    {
        var database = TestPostgres.NewDatabase();
        using var a = await ServiceProcess.StartAsync(Settings(database));
        using var b = await ServiceProcess.StartAsync(Settings(database));
        var (first, second) = (a.Client(ReviewApp.AnalystKey), b.Client(ReviewApp.AnalystKey));
        var text = Fixtures.Text("contract.txt");

        for (var i = 0; i < 20; i++)
        {
            var body = ReviewRequests.Text($"{text}\n\nCopy {i}.");
            var answers = await Task.WhenAll(first.SubmitAsync(body, wait: "0", idempotencyKey: $"same-{i}"), second.SubmitAsync(body, wait: "0", idempotencyKey: $"same-{i}"));
            var ids = await Task.WhenAll(answers.Select(async r => (await r.JsonAsync()).GetProperty("id").GetString()));
            Assert.All(answers, r => Assert.True(r.IsSuccessStatusCode, $"{r.StatusCode} for same-{i}"));
            Assert.Equal(ids[0], ids[1]);
        }

        await using var db = new NpgsqlConnection(database);
        Assert.Equal(20, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM reviews"));
    }

    static Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 120) => WaitUntilAsync(() => Task.FromResult(condition()), what, seconds);

    static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {seconds} s waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
