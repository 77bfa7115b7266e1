using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReviewService.Tests.ReviewQueue;

namespace ReviewService.Tests.WebUi;

[Collection(BrowserCollection.Name)]
public sealed partial class AnalystUiTests(Chromium chromium)
{
    [Fact]
    public async Task AnalystUploadsAContractAndFollowsItsReviewUntilAReviewerCompletesIt()
    {
        await using var ui = new ReviewUi(chromium);
        var page = await ui.SignInAsync(ReviewApp.AnalystKey);

        await page.Locator("nav a", new() { HasText = "Upload" }).ClickAsync();
        await Assertions.Expect(page.Locator("#policy option")).Not.ToHaveCountAsync(0);
        await page.Locator("#policy").SelectOptionAsync("contract-review");
        await page.Locator("#file").SetInputFilesAsync(Fixtures.Path("contract.txt"));
        await page.Locator("#upload").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(ReviewAddress());
        await Assertions.Expect(page.Locator("#review-status")).ToHaveTextAsync("needs_review");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("contract.txt");
        await Assertions.Expect(page.Locator("#findings tr[data-check='governing-law']")).ToContainTextAsync(Fixtures.GoverningLawState);
        await Assertions.Expect(page.Locator("#document mark.evidence").First).ToBeVisibleAsync();

        // A reviewer decides the queued checks over the API; the analyst's page follows by itself.
        var reviewId = ReviewAddress().Match(page.Url).Groups[1].Value;
        using var reviewer = ui.App.WithKey(ReviewApp.ReviewerKey);
        var queue = await (await reviewer.GetAsync("/v1/queue")).JsonAsync();
        var item = queue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("reviewId").GetString() == reviewId);
        (await reviewer.ClaimAsync(item)).EnsureSuccessStatusCode();
        (await reviewer.ResolveAsync(item, item.Verdicts(_ => "absent", comment: "Checked by the reviewer."))).EnsureSuccessStatusCode();

        await Assertions.Expect(page.Locator("#review-status")).ToHaveTextAsync("completed", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#audit")).ToContainTextAsync("Checked by the reviewer.");
        Assert.Empty(ui.PageErrors);
    }

    [Fact]
    public async Task AnAnalystReadsEachDecisionsClauseWithTheMatchedWordsMarked()
    {
        await using var ui = new ReviewUi(chromium);
        var (review, _) = await ui.App.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        var decided = review.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("outcome").GetString() == "present" && f.GetProperty("evidence").GetArrayLength() > 0).ToList();
        Assert.NotEmpty(decided);

        var page = await ui.SignInAsync(ReviewApp.AnalystKey);
        await page.GotoAsync($"/#/reviews/{review.GetProperty("id").GetString()}");
        await Assertions.Expect(page.Locator("#document mark.match").First).ToBeVisibleAsync();
        foreach (var finding in decided)
        {
            var check = finding.GetProperty("check").GetString()!;
            foreach (var clause in finding.GetProperty("evidence").EnumerateArray())
            {
                // The whole clause is highlighted for the check, and inside it exactly the matched words are marked as such.
                Assert.Equal(clause.GetProperty("text").GetString(), await MarkedTextAsync(page, check, clause.GetProperty("start").GetInt32(), clause.GetProperty("end").GetInt32(), ""));
                foreach (var m in clause.GetProperty("marks").EnumerateArray())
                {
                    var (start, end) = (m.GetProperty("start").GetInt32(), m.GetProperty("end").GetInt32());
                    Assert.Equal(Fixtures.Text("contract.txt")[start..end], await MarkedTextAsync(page, check, start, end, ".match"));
                }
            }
        }
        Assert.Empty(ui.PageErrors);
    }

    // The text of the document's marks of the check (of the given class) starting between the offsets.
    static Task<string> MarkedTextAsync(IPage page, string check, int start, int end, string kind) =>
        page.EvaluateAsync<string>("""
            ([check, start, end, kind]) => [...document.querySelectorAll(`#document mark${kind}`)]
              .filter(m => Number(m.dataset.start) >= start && Number(m.dataset.start) < end && m.dataset.checks.split(' ').includes(check))
              .map(m => m.textContent).join('')
            """, new object[] { check, start, end, kind });

    [GeneratedRegex("#/reviews/([0-9a-f-]{36})$")]
    private static partial Regex ReviewAddress();
}
