using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReviewService.Storage;
using ReviewService.Tests.Judge;
using ReviewService.Tests.ReviewQueue;

namespace ReviewService.Tests.Reviews;

/// <summary>Replay: the loaded policy version tried on stored reviews without changing them, reported per check.</summary>
public sealed class ReplayTests
{
    readonly string _database = Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"{Guid.NewGuid():N}.db");

    static async Task<JsonElement> WaitForReplayAsync(HttpClient admin, string location)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var report = await (await admin.GetAsync(location)).JsonAsync();
            if (report.GetProperty("status").GetString() != "running" || DateTime.UtcNow > deadline)
            {
                return report;
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task AReplayReportsPerCheckWhatTheLoadedVersionWouldChangeAndChangesNothing()
    {
        // Three reviews stored under a version that holds every rules decision, so the shipped version would decide more.
        var stricter = Path.Combine(Path.GetTempPath(), "reviewservice-stricter", Guid.NewGuid().ToString("N"));
        Fixtures.EditJson(Fixtures.CopyOfPolicy(stricter), "policy.json", json => json["targetAccuracy"] = new System.Text.Json.Nodes.JsonObject { ["overall"] = 0.999 });
        var stored = new List<JsonElement>();
        using (var old = new ReviewApp(_database, new() { ["Policies:Directory"] = stricter }))
        {
            foreach (var name in new[] { "contract.txt", "joint-filing-agreement.txt" })
            {
                stored.Add(await old.Analyst().SubmitAndWaitForAsync(Fixtures.Text(name)));
            }
            // The third is resolved by a reviewer, which finishes it: retention may purge its text.
            var (third, item) = await old.SubmitAndFindItemAsync(Fixtures.Text("contract.txt") + "\n\nA copy.");
            var reviewer = old.WithKey(ReviewApp.ReviewerKey);
            (await reviewer.ClaimAsync(item)).EnsureSuccessStatusCode();
            (await reviewer.ResolveAsync(item, item.Verdicts(_ => "absent"))).EnsureSuccessStatusCode();
        }
        using var app = new ReviewApp(_database);
        // Retention purges the text of the finished one: it is skipped and counted.
        Assert.Equal(1, await app.Services.GetRequiredService<IReviewStore>().PurgeTextAsync(DateTimeOffset.UtcNow.AddDays(1), 1, CancellationToken.None));
        var admin = app.WithKey(ReviewApp.AdminKey);

        using var response = await admin.PostAsync("/v1/policies/contract-review/replay?limit=50", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var report = await WaitForReplayAsync(admin, response.Headers.Location!.OriginalString);

        Assert.Equal("completed", report.GetProperty("status").GetString());
        Assert.Equal((2, 1, 0), (report.GetProperty("reviews").GetProperty("replayed").GetInt32(), report.GetProperty("reviews").GetProperty("skippedPurged").GetInt32(),
            report.GetProperty("reviews").GetProperty("failed").GetInt32()));
        var checks = report.GetProperty("checks").EnumerateArray().ToList();
        Assert.All(checks, c => Assert.Equal(2, c.GetProperty("compared").GetInt32()));
        Assert.All(checks, c => Assert.Equal(c.GetProperty("compared").GetInt32(), c.GetProperty("unchanged").GetInt32() + c.GetProperty("changed").GetInt32()));
        var changed = checks.Where(c => c.GetProperty("changed").GetInt32() > 0).ToList();
        Assert.NotEmpty(changed);
        // What changes is a held decision made final: from undetermined to what the rules answer.
        Assert.All(changed, c => Assert.All(c.GetProperty("transitions").EnumerateObject(), t => Assert.StartsWith("undetermined→", t.Name)));
        Assert.All(changed, c => Assert.NotEmpty(c.GetProperty("examples").EnumerateArray()));

        // Nothing stored changed.
        foreach (var review in stored)
        {
            var now = await (await app.Analyst().GetAsync($"/v1/reviews/{review.GetProperty("id").GetString()}")).JsonAsync();
            Assert.Equal(review.GetProperty("findings").GetRawText(), now.GetProperty("findings").GetRawText());
            Assert.Equal(review.GetProperty("policy").GetRawText(), now.GetProperty("policy").GetRawText());
        }
    }

    [Theory]
    [InlineData("/v1/policies/no-such-policy/replay", 404, "Loaded policies")]
    [InlineData("/v1/policies/contract-review/replay?limit=0", 400, "limit from 1")]
    [InlineData("/v1/policies/contract-review/replay?since=yesterday", 400, "ISO 8601")]
    [InlineData("/v1/policies/contract-review/replay?maxTokens=0", 400, "maxTokens from 1")]
    public async Task AReplayThatCannotRunSaysWhy(string path, int status, string expected)
    {
        using var app = new ReviewApp();
        using var response = await app.WithKey(ReviewApp.AdminKey).PostAsync(path, null);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(expected, (await response.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AReplayStopsWhenItsJudgeHasSpentItsTokenBudget()
    {
        // Three reviews stored without a judge; replayed with one (the scripted model on loopback), whose every call costs tokens.
        using (var old = new ReviewApp(_database))
        {
            for (var i = 0; i < 3; i++)
            {
                await old.Analyst().SubmitAndWaitForAsync(Fixtures.Text("contract.txt") + $"\n\nCopy {i}.");
            }
        }
        await using var llm = await ScriptedLlmServer.StartAsync();
        using var app = new ReviewApp(_database, JudgeTestData.Settings(llm));
        var admin = app.WithKey(ReviewApp.AdminKey);

        using var response = await admin.PostAsync("/v1/policies/contract-review/replay?limit=3&maxTokens=1", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var report = await WaitForReplayAsync(admin, response.Headers.Location!.OriginalString);

        // The first review's judge call spent the budget: the replay stopped there, and says so.
        Assert.Equal("budget-spent", report.GetProperty("status").GetString());
        Assert.Equal(1, report.GetProperty("maxTokens").GetInt64());
        var reviews = report.GetProperty("reviews");
        Assert.Equal(1, reviews.GetProperty("replayed").GetInt32());
        Assert.Equal(ScriptedReply.PromptTokens + ScriptedReply.CompletionTokens, reviews.GetProperty("tokens").GetInt64());
        Assert.Single(llm.Calls);

        // With room for all three, the same replay completes and counts every call's tokens.
        using var full = await admin.PostAsync("/v1/policies/contract-review/replay?limit=3", null);
        var all = await WaitForReplayAsync(admin, full.Headers.Location!.OriginalString);
        Assert.Equal(("completed", 3), (all.GetProperty("status").GetString(), all.GetProperty("reviews").GetProperty("replayed").GetInt32()));
        Assert.Equal(ReviewService.Replays.ReplaysApi.DefaultMaxTokens, all.GetProperty("maxTokens").GetInt64());
        Assert.Equal(3L * (ScriptedReply.PromptTokens + ScriptedReply.CompletionTokens), all.GetProperty("reviews").GetProperty("tokens").GetInt64());
    }

    [Fact]
    public async Task AReplaySinceLaterThanEveryReviewReplaysNone()
    {
        using var app = new ReviewApp();
        await app.Analyst().SubmitAndWaitForAsync(Fixtures.Text("contract.txt"));
        var admin = app.WithKey(ReviewApp.AdminKey);
        using var response = await admin.PostAsync($"/v1/policies/contract-review/replay?since={DateTimeOffset.UtcNow.AddDays(1):O}".Replace("+", "%2B"), null);
        var report = await WaitForReplayAsync(admin, response.Headers.Location!.OriginalString);
        Assert.Equal(("completed", 0), (report.GetProperty("status").GetString(), report.GetProperty("reviews").GetProperty("replayed").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/v1/policies/contract-review/replays/{Guid.NewGuid()}")).StatusCode);
    }
}
