using System.Net;
using System.Text;
using System.Data.Common;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ReviewService.Storage;

namespace ReviewService.Tests.ReviewQueue;

/// <summary>The reviewers' queue over HTTP: what is in it, leases between reviewers, resolving, and the audit log.</summary>
public sealed class QueueApiTests : IDisposable
{
    readonly TestClock _clock = new();
    readonly ReviewApp _app;
    readonly HttpClient _reviewer;
    readonly HttpClient _second;

    public QueueApiTests()
    {
        _app = new ReviewApp { Clock = _clock };
        _reviewer = _app.WithKey(ReviewApp.ReviewerKey);
        _second = _app.WithKey(ReviewApp.Reviewer2Key);
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task AReviewWithUndeterminedChecksIsOneItemListingEachCheckAndWhy()
    {
        var (review, item) = await _app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));

        Assert.Equal("needs_review", review.GetProperty("status").GetString());
        var undetermined = review.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("outcome").GetString() == "undetermined").Select(f => f.GetProperty("check").GetString()).Order().ToList();
        Assert.NotEmpty(undetermined);
        Assert.Equal(undetermined, item.Checks().Order());
        Assert.Equal("review", item.GetProperty("kind").GetString());
        // The rules decided nothing for the undetermined checks, or decided under the policy's target accuracy (held:
        // low-confidence; VerificationTests holds decisions on purpose).
        var held = review.GetProperty("findings").EnumerateArray().Where(f => f.TryGetProperty("proposal", out _)).Select(f => f.GetProperty("check").GetString()).ToList();
        var reasons = item.GetProperty("checks").EnumerateArray().Select(c => (Check: c.GetProperty("check").GetString(), Reason: c.GetProperty("reason").GetString())).ToList();
        Assert.All(reasons, c => Assert.Equal(held.Contains(c.Check) ? "low-confidence" : "undetermined", c.Reason));
        Assert.Equal(reasons.Select(c => c.Reason).Distinct().Order(), item.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).Order());
        Assert.All(item.GetProperty("checks").EnumerateArray(), c => Assert.False(string.IsNullOrEmpty(c.GetProperty("title").GetString())));
        Assert.Equal("contract.txt", item.GetProperty("fileName").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, item.GetProperty("lease").ValueKind);

        var filtered = await (await _reviewer.GetAsync("/v1/queue?reason=disagreement")).JsonAsync();
        Assert.Empty(filtered.GetProperty("items").EnumerateArray());
        var detail = await (await _reviewer.GetAsync($"/v1/queue/{item.GetProperty("id").GetString()}")).JsonAsync();
        Assert.Equal(review.GetProperty("id").GetString(), detail.GetProperty("review").GetProperty("id").GetString());
    }

    [Fact]
    public async Task ASecondReviewerCannotClaimAnItemAndIsToldWhoHoldsItUntilWhen()
    {
        var (_, item) = await _app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));

        var claimed = await _reviewer.ClaimAsync(item);
        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        var lease = (await claimed.JsonAsync()).GetProperty("lease");
        Assert.Equal("reviewer-1", lease.GetProperty("holder").GetString());
        var expires = lease.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(15), expires);

        var refused = await _second.ClaimAsync(item);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.JsonAsync();
        Assert.Equal("reviewer-1", problem.GetProperty("holder").GetString());
        Assert.Equal(expires, problem.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Contains("reviewer-1", problem.GetProperty("detail").GetString());

        var resolveByOther = await _second.ResolveAsync(item, item.Verdicts(_ => "absent"));
        Assert.Equal(HttpStatusCode.Conflict, resolveByOther.StatusCode);
        var releaseByOther = await _second.ReleaseAsync(item);
        Assert.Equal(HttpStatusCode.Conflict, releaseByOther.StatusCode);
    }

    [Fact]
    public async Task ClaimingAgainRenewsAndReleasingGivesTheItemToTheNextReviewer()
    {
        var (review, item) = await _app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        var first = (await (await _reviewer.ClaimAsync(item)).JsonAsync()).GetProperty("lease").GetProperty("expiresAt").GetDateTimeOffset();
        _clock.Advance(TimeSpan.FromMinutes(5));
        var renewed = (await (await _reviewer.ClaimAsync(item)).JsonAsync()).GetProperty("lease").GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Equal(first + TimeSpan.FromMinutes(5), renewed);

        var released = await _reviewer.ReleaseAsync(item);
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await released.JsonAsync()).GetProperty("lease").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await _second.ClaimAsync(item)).StatusCode);

        var actions = (await _reviewer.AuditAsync(review.GetProperty("id").GetString()!)).Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["evaluated", "queued", "claimed", "lease-renewed", "released", "claimed"], actions);
    }

    [Fact]
    public async Task AnExpiredLeaseReturnsTheItemToTheQueue()
    {
        var (review, item) = await _app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        Assert.Equal(HttpStatusCode.OK, (await _reviewer.ClaimAsync(item)).StatusCode);

        // A second before the 15-minute lease ends, the item is still held.
        _clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Conflict, (await _second.ClaimAsync(item)).StatusCode);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var listed = (await (await _reviewer.GetAsync("/v1/queue")).JsonAsync()).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, listed.GetProperty("lease").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await _second.ClaimAsync(item)).StatusCode);
        var late = await _reviewer.ResolveAsync(item, item.Verdicts(_ => "absent"));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);

        var takeover = (await _reviewer.AuditAsync(review.GetProperty("id").GetString()!))[^1];
        Assert.Equal("reviewer-2", takeover.GetProperty("actor").GetString());
        Assert.Contains("reviewer-1", takeover.GetProperty("previous").GetString());
        Assert.Contains("expired", takeover.GetProperty("previous").GetString());
    }

    [Fact]
    public async Task ResolvingDecidesTheChecksRecomputesTheDecisionAndCompletesTheReview()
    {
        var (review, item) = await _app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        var id = review.GetProperty("id").GetString()!;
        await _reviewer.ClaimAsync(item);
        // Everything present: the decision table must now see e.g. uncapped liability or a non-compete.
        var resolved = await _reviewer.ResolveAsync(item, item.Verdicts(_ => "present", comment: "Read the whole contract."));

        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var body = await resolved.JsonAsync();
        Assert.Equal("resolved", body.GetProperty("item").GetProperty("status").GetString());
        Assert.Equal("reviewer-1", body.GetProperty("item").GetProperty("resolvedBy").GetString());
        var after = await _app.Analyst().WaitForReviewAsync(id);
        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.False(after.GetProperty("decision").GetProperty("provisional").GetBoolean());
        foreach (var check in item.Checks())
        {
            var finding = after.Finding(check);
            Assert.Equal("present", finding.GetProperty("outcome").GetString());
            Assert.Equal("reviewer", finding.GetProperty("decidedBy").GetString());
            Assert.Equal("Read the whole contract.", finding.GetProperty("note").GetString());
        }
        var rulesDecided = review.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("decidedBy").GetString() == "rules");
        Assert.Equal("rules", after.Finding(rulesDecided.GetProperty("check").GetString()!).GetProperty("decidedBy").GetString());
        Assert.Empty((await (await _reviewer.GetAsync("/v1/queue")).JsonAsync()).GetProperty("items").EnumerateArray());

        var audit = await _reviewer.AuditAsync(id);
        var decided = audit.Where(e => e.GetProperty("action").GetString() == "check-decided").ToList();
        Assert.Equal(item.Checks().Order(), decided.Select(e => e.GetProperty("check").GetString()).Order());
        Assert.All(decided, e =>
        {
            Assert.Equal("undetermined", e.GetProperty("previous").GetString());
            Assert.Equal("present by reviewer", e.GetProperty("current").GetString());
            Assert.Equal("reviewer-1", e.GetProperty("actor").GetString());
        });
        var status = audit.Single(e => e.GetProperty("action").GetString() == "status-changed");
        Assert.Equal("needs_review", status.GetProperty("previous").GetString());
        Assert.Equal("completed", status.GetProperty("current").GetString());
        Assert.Equal("resolved", audit[^1].GetProperty("action").GetString());

        var again = await _reviewer.ClaimAsync(item);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("reviewer-1 resolved", (await again.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task VerdictsThatDoNotCoverTheItemAreRefusedWithWhatIsMissing()
    {
        var (_, item) = await _app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        await _reviewer.ClaimAsync(item);
        var checks = item.Checks();

        var partial = await _reviewer.ResolveAsync(item, new { verdicts = new[] { new { check = checks[0], outcome = "absent" } } });
        var unknown = await _reviewer.ResolveAsync(item,
            new { verdicts = checks.Append("no-such-check").Select(c => new { check = c, outcome = "absent" }) });
        var badOutcome = await _reviewer.ResolveAsync(item, item.Verdicts(_ => "maybe"));
        var empty = await _reviewer.ResolveAsync(item, new { verdicts = Array.Empty<object>() });
        var malformed = await _reviewer.PostAsync($"/v1/queue/{item.GetProperty("id").GetString()}/resolve",
            new StringContent("{ \"verdicts\": [", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, partial.StatusCode);
        if (checks.Count > 1)
        {
            Assert.Contains(checks[1], (await partial.JsonAsync()).GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Contains("no-such-check", (await unknown.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badOutcome.StatusCode);
        Assert.Contains("'present' or 'absent'", (await badOutcome.JsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        Assert.Equal("open", (await (await _reviewer.GetAsync($"/v1/queue/{item.GetProperty("id").GetString()}")).JsonAsync())
            .GetProperty("item").GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheQueueIsForReviewersOnly()
    {
        await _app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));

        Assert.Equal(HttpStatusCode.Forbidden, (await _app.Analyst().GetAsync("/v1/queue")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().GetAsync("/v1/queue")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _reviewer.GetAsync("/v1/queue?reason=bored")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _reviewer.PostAsync($"/v1/queue/{Guid.NewGuid()}/claim", null)).StatusCode);
        var me = await (await _reviewer.GetAsync("/v1/me")).JsonAsync();
        Assert.Equal("reviewer-1", me.GetProperty("name").GetString());
        Assert.Equal(["reviewer"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task TheAuditLogCannotBeRewritten()
    {
        var (review, _) = await _app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        // Straight to the database the app uses (SQLite or PostgreSQL), past the service's code.
        await using var db = await _app.Services.GetRequiredService<SqlDialect>().OpenAsync(CancellationToken.None);
        foreach (var sql in new[] { "UPDATE audit_log SET actor = 'someone-else'", "DELETE FROM audit_log" })
        {
            var refused = await Assert.ThrowsAnyAsync<DbException>(() => db.ExecuteAsync(sql));
            Assert.Contains("append-only", refused.Message);
        }
        Assert.Equal("system", (await _reviewer.AuditAsync(review.GetProperty("id").GetString()!))[0].GetProperty("actor").GetString());
    }
}
