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

    [GeneratedRegex("#/reviews/([0-9a-f-]{36})$")]
    private static partial Regex ReviewAddress();
}
