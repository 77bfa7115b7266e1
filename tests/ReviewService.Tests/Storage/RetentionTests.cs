using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReviewService.Storage;
using ReviewService.Tests.ReviewQueue;

namespace ReviewService.Tests.Storage;

/// <summary>Retention: the document text goes after the configured period; the decision, findings, verdicts and audit trail stay.</summary>
public sealed class RetentionTests
{
    [Fact]
    public async Task AfterThePeriodTheBackgroundJobPurgesTheTextAndTheComplianceRecordStays()
    {
        var clock = new TestClock();
        using var app = new ReviewApp(settings: Fixtures.WithoutTarget(new() { ["Retention:TextDays"] = "30", ["Retention:IntervalMinutes"] = "60", ["Queue:QaSampleRate"] = "1" }))
        {
            Clock = clock,
        };
        var reviewer = app.WithKey(ReviewApp.ReviewerKey);
        var (resolved, item) = await app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        Assert.Equal(HttpStatusCode.OK, (await reviewer.ClaimAsync(item)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.ResolveAsync(item, item.Verdicts(_ => "absent", "Checked."))).StatusCode);
        var waiting = await app.Analyst().SubmitAndWaitForAsync(Fixtures.Text("contract.txt") + "\n\nA second copy.");
        // Decided entirely by the rules (see Fixtures/README.md), so completed, and sampled for QA: its queue item is open.
        var (sampled, sample) = await app.SubmitAndFindItemAsync(Fixtures.Text("joint-filing-agreement.txt"), "joint-filing-agreement.txt");
        Assert.Equal(("completed", "qa-sample"), (sampled.GetProperty("status").GetString(), sample.GetProperty("kind").GetString()));
        var id = resolved.GetProperty("id").GetString()!;
        var before = await (await reviewer.GetAsync($"/v1/reviews/{id}")).JsonAsync();
        var auditBefore = await reviewer.AuditAsync(id);
        var retention = app.Services.GetServices<IHostedService>().OfType<TextRetention>().Single();
        var hourly = TimeSpan.FromHours(1);

        // Each time the job has run, it waits an hour again.
        var ran = clock.NextWaitAsync(hourly);
        clock.Advance(TimeSpan.FromDays(29));
        await ran;
        Assert.Equal(0, await retention.PurgeAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync($"/v1/reviews/{id}/document")).StatusCode);

        // Past the period, the job's next hourly run purges without being asked.
        ran = clock.NextWaitAsync(hourly);
        clock.Advance(TimeSpan.FromDays(2));
        await ran;
        var document = await reviewer.GetAsync($"/v1/reviews/{id}/document");
        Assert.Equal(HttpStatusCode.Gone, document.StatusCode);
        Assert.Equal("application/problem+json", document.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Document text purged", (await document.JsonAsync()).GetProperty("title").GetString());

        var after = await (await reviewer.GetAsync($"/v1/reviews/{id}")).JsonAsync();
        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("decision").GetRawText(), after.GetProperty("decision").GetRawText());
        Assert.Equal(before.GetProperty("findings").GetRawText(), after.GetProperty("findings").GetRawText());
        Assert.Equal(clock.GetUtcNow().Date, after.GetProperty("textPurgedAt").GetDateTimeOffset().UtcDateTime.Date);
        var auditAfter = await reviewer.AuditAsync(id);
        Assert.Equal([.. auditBefore.Select(e => e.GetRawText())], auditAfter.Take(auditBefore.Count).Select(e => e.GetRawText()));
        var purge = Assert.Single(auditAfter.Skip(auditBefore.Count));
        Assert.Equal(("retention", "text-purged"), (purge.GetProperty("actor").GetString(), purge.GetProperty("action").GetString()));

        // In the database: text and file gone, verdicts kept. A review still waiting for a reviewer, or for a QA check, keeps its text.
        await using var db = await app.Services.GetRequiredService<SqlDialect>().OpenAsync(CancellationToken.None);
        var stored = await db.QuerySingleAsync<(string? Text, byte[]? Content)>("SELECT text, content FROM documents WHERE review_id = @id", new { id });
        Assert.Equal((null, null), stored);
        Assert.Equal(item.Checks().Count, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM verdicts WHERE review_id = @id", new { id }));
        Assert.Equal("needs_review", waiting.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync($"/v1/reviews/{waiting.GetProperty("id").GetString()}/document")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync($"/v1/reviews/{sampled.GetProperty("id").GetString()}/document")).StatusCode);
        Assert.Equal(0, await retention.PurgeAsync(CancellationToken.None));
    }
}
