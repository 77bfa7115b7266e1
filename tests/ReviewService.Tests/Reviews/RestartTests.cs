using Microsoft.Data.Sqlite;

namespace ReviewService.Tests.Reviews;

/// <summary>Reviews live in the database, not in memory: a restart (even after a crash mid-review) finishes them.</summary>
public sealed class RestartTests
{
    // Freeing every lease at startup is right only for a single-instance database; PostgreSQL waits for leases to expire (TwoInstanceCrashTests).
    [Fact, Trait("Storage", "SqliteOnly")]
    public async Task ReviewsLeftPendingAreFinishedAfterARestart()
    {
        var database = Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"{Guid.NewGuid():N}.db");
        var ids = new List<string>();
        using (var acceptOnly = new ReviewApp(database, new() { ["Processing:Enabled"] = "false" }))
        {
            var client = acceptOnly.Analyst();
            for (var i = 0; i < 3; i++)
            {
                var review = await (await client.SubmitAsync(ReviewRequests.Text(Fixtures.Text("contract.txt") + $"\n\nCopy {i}."), wait: "0")).JsonAsync();
                Assert.Equal("pending", review.GetProperty("status").GetString());
                ids.Add(review.GetProperty("id").GetString()!);
            }
        }
        // A worker of the previous process held one of them when it died: its lease must not strand the review.
        await using (var db = new SqliteConnection($"Data Source={database}"))
        {
            await db.OpenAsync();
            await using var lease = db.CreateCommand();
            lease.CommandText = "UPDATE reviews SET lease_owner = 'crashed-worker', lease_until = 99999999999999 WHERE id = $id";
            lease.Parameters.AddWithValue("$id", ids[0]);
            Assert.Equal(1, await lease.ExecuteNonQueryAsync());
        }

        using var restarted = new ReviewApp(database);
        var reader = restarted.Analyst();
        foreach (var id in ids)
        {
            var review = await reader.WaitForReviewAsync(id);
            Assert.Contains(review.GetProperty("status").GetString(), new[] { "completed", "needs_review" });
            Assert.Equal(Fixtures.GoverningLawState, review.Finding("governing-law").GetProperty("value").GetString());
        }
    }
}
