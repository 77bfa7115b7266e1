using System.Net;
using System.Text.Json;
using ReviewService.Tests.ReviewQueue;

namespace ReviewService.Tests.Reviews;

/// <summary>Re-review: a stored review evaluated again under a new policy version, both evaluations kept, reviewers' verdicts never overwritten.</summary>
public sealed class ReevaluateTests
{
    readonly string _database = Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"{Guid.NewGuid():N}.db");

    /// <summary>The service on the test's database, with the shipped policy or a new version of it (<paramref name="rules"/>).</summary>
    ReviewApp App(string? rules = null, string? database = null) =>
        new(database ?? _database, rules is null ? [] : new() { ["Policies:Directory"] = rules });

    /// <summary>A new version of the shipped policy whose target accuracy holds every rules decision for verification.</summary>
    static string Stricter()
    {
        var root = Path.Combine(Path.GetTempPath(), "reviewservice-stricter", Guid.NewGuid().ToString("N"));
        Fixtures.EditJson(Fixtures.CopyOfPolicy(root), "policy.json", json => json["targetAccuracy"] = new System.Text.Json.Nodes.JsonObject { ["overall"] = 0.999 });
        return root;
    }

    static Task<HttpResponseMessage> ReevaluateAsync(HttpClient client, string id) => client.PostAsync($"/v1/reviews/{id}/reevaluate", null);

    [Fact]
    public async Task ANewPolicyVersionReevaluatesAStoredReviewAndKeepsTheEarlierEvaluationAsARevision()
    {
        JsonElement before;
        using (var app = App())
        {
            before = await app.Analyst().SubmitAndWaitForAsync(Fixtures.Text("contract.txt"));
        }
        var id = before.GetProperty("id").GetString()!;

        using var updated = App(Stricter());
        using var response = await ReevaluateAsync(updated.WithKey(ReviewApp.ReviewerKey), id);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.JsonAsync();
        var oldVersion = before.GetProperty("policy").GetProperty("version").GetString();
        var newVersion = answer.GetProperty("review").GetProperty("policy").GetProperty("version").GetString();
        Assert.NotEqual(oldVersion, newVersion);
        Assert.Equal(oldVersion, answer.GetProperty("previousPolicyVersion").GetString());
        Assert.Equal(1, answer.GetProperty("replacedRevision").GetInt32());
        // The new version holds every rules decision for verification: with no judge, those checks are open again.
        var decidedBefore = before.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("decidedBy").GetString() == "rules")
            .Select(f => f.GetProperty("check").GetString()).Order().ToList();
        Assert.NotEmpty(decidedBefore);
        var changes = answer.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(decidedBefore, changes.Select(c => c.GetProperty("check").GetString()).Order());
        Assert.All(changes, c => Assert.Equal(("rules", "undetermined"), (c.GetProperty("beforeBy").GetString(), c.GetProperty("after").GetString())));
        Assert.Equal("needs_review", answer.GetProperty("review").GetProperty("status").GetString());

        var revisions = (await (await updated.Analyst().GetAsync($"/v1/reviews/{id}/revisions")).JsonAsync()).GetProperty("revisions").EnumerateArray().ToList();
        Assert.Equal(2, revisions.Count);
        Assert.Equal((1, oldVersion, "reviewer-1", false), (revisions[0].GetProperty("revision").GetInt32(), revisions[0].GetProperty("policyVersion").GetString(),
            revisions[0].GetProperty("replacedBy").GetString(), revisions[0].GetProperty("current").GetBoolean()));
        Assert.Equal(before.GetProperty("findings").GetRawText(), revisions[0].GetProperty("findings").GetRawText());
        Assert.Equal((2, newVersion, true), (revisions[1].GetProperty("revision").GetInt32(), revisions[1].GetProperty("policyVersion").GetString(), revisions[1].GetProperty("current").GetBoolean()));

        var audit = await updated.Analyst().AuditAsync(id);
        var line = Assert.Single(audit, e => e.GetProperty("action").GetString() == "reevaluated");
        Assert.Equal("reviewer-1", line.GetProperty("actor").GetString());
        Assert.Contains(newVersion!, line.GetProperty("current").GetString());
    }

    [Fact]
    public async Task AReviewersVerdictsStandAndWhereTheNewVersionDecidesOtherwiseItIsSaid()
    {
        // The review is first evaluated under a version that holds every rules decision, so every check goes to the reviewer;
        // the new version, the shipped one, decides some of them. What it answers is learnt on a database of its own first.
        var oldVersion = Stricter();
        Dictionary<string, string> answers;
        using (var probe = App(database: Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"{Guid.NewGuid():N}.db")))
        {
            answers = (await probe.Analyst().SubmitAndWaitForAsync(Fixtures.Text("contract.txt"))).GetProperty("findings").EnumerateArray()
                .Where(f => f.GetProperty("decidedBy").GetString() == "rules").ToDictionary(f => f.GetProperty("check").GetString()!, f => f.GetProperty("outcome").GetString()!);
        }
        string id;
        HashSet<string> contradicted;
        using (var app = App(oldVersion))
        {
            var (review, item) = await app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
            id = review.GetProperty("id").GetString()!;
            var reviewer = app.WithKey(ReviewApp.ReviewerKey);
            (await reviewer.ClaimAsync(item)).EnsureSuccessStatusCode();
            // The reviewer contradicts the new version on every check of the item it decides.
            static string Opposite(string outcome) => outcome == "present" ? "absent" : "present";
            (await reviewer.ResolveAsync(item, item.Verdicts(check => answers.TryGetValue(check, out var a) ? Opposite(a) : "absent"))).EnsureSuccessStatusCode();
            contradicted = [.. item.Checks().Where(answers.ContainsKey)];
        }
        Assert.NotEmpty(contradicted);
        using var updated = App();
        var verdicts = (await (await updated.Analyst().GetAsync($"/v1/reviews/{id}")).JsonAsync()).GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("decidedBy").GetString() == "reviewer").ToDictionary(f => f.GetProperty("check").GetString()!, f => f.GetProperty("outcome").GetString());

        var answer = await (await ReevaluateAsync(updated.WithKey(ReviewApp.AdminKey), id)).EnsureSuccessStatusCode().JsonAsync();

        var after = answer.GetProperty("review").GetProperty("findings").EnumerateArray().ToDictionary(f => f.GetProperty("check").GetString()!);
        foreach (var (check, outcome) in verdicts)
        {
            Assert.Equal(("reviewer", outcome), (after[check].GetProperty("decidedBy").GetString(), after[check].GetProperty("outcome").GetString()));
        }
        var kept = answer.GetProperty("keptVerdicts").EnumerateArray().ToList();
        Assert.Equal(contradicted.Order(), kept.Select(k => k.GetProperty("check").GetString()!).Order());
        Assert.All(kept, k => Assert.Equal(answers[k.GetProperty("check").GetString()!], k.GetProperty("automated").GetString()));
        var audit = await updated.Analyst().AuditAsync(id);
        Assert.Equal(kept.Count, audit.Count(e => e.GetProperty("action").GetString() == "verdict-kept"));
        Assert.Equal("completed", answer.GetProperty("review").GetProperty("status").GetString());
    }

    [Fact]
    public async Task AReviewThatAReviewerHoldsOrThatIsStillPendingIsNotReevaluated()
    {
        using var app = App();
        var (review, item) = await app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        var reviewer = app.WithKey(ReviewApp.ReviewerKey);
        (await reviewer.ClaimAsync(item)).EnsureSuccessStatusCode();

        using var held = await ReevaluateAsync(app.WithKey(ReviewApp.AdminKey), review.GetProperty("id").GetString()!);
        Assert.Equal(HttpStatusCode.Conflict, held.StatusCode);
        Assert.Contains("holds the queue item", (await held.JsonAsync()).GetProperty("detail").GetString());

        (await reviewer.ReleaseAsync(item)).EnsureSuccessStatusCode();
        using var released = await ReevaluateAsync(reviewer, review.GetProperty("id").GetString()!);
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        // The open item now holds the new evaluation's open checks, under the same id, and reviewers can work it.
        var queue = await (await reviewer.GetAsync("/v1/queue")).JsonAsync();
        Assert.Single(queue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == item.GetProperty("id").GetString());

        using var stopped = new ReviewApp(settings: new() { ["Processing:Enabled"] = "false" });
        var pending = await (await stopped.Analyst().SubmitAsync(ReviewRequests.Text(Fixtures.Text("contract.txt")), wait: "0")).JsonAsync();
        using var refused = await ReevaluateAsync(stopped.WithKey(ReviewApp.ReviewerKey), pending.GetProperty("id").GetString()!);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("still being evaluated", (await refused.JsonAsync()).GetProperty("detail").GetString());
    }
}
