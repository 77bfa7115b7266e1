using Microsoft.Playwright;

namespace ReviewService.Tests.WebUi;

[Collection(BrowserCollection.Name)]
public sealed class ScannedDocumentUiTests(Chromium chromium)
{
    [Fact]
    public async Task AnalystUploadingAScanIsWarnedOfRecognitionErrorsAndShownItsLowConfidencePages()
    {
        // A threshold of 1 makes the page low-confidence, so the list is shown.
        await using var ui = new ReviewUi(chromium, new() { ["Extraction:Ocr:LowConfidence"] = "1" });
        var page = await ui.SignInAsync(ReviewApp.AnalystKey);

        await page.Locator("nav a", new() { HasText = "Upload" }).ClickAsync();
        await Assertions.Expect(page.Locator("#policy option")).Not.ToHaveCountAsync(0);
        await page.Locator("#policy").SelectOptionAsync("contract-review");
        await page.Locator("#file").SetInputFilesAsync(Fixtures.Path("scan-page3.png"));
        await page.Locator("#upload").ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("scan-page3.png", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#ocr-notice")).ToContainTextAsync("recognition errors", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#ocr-low-pages")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#findings tr[data-check='governing-law']")).ToContainTextAsync(Fixtures.GoverningLawState);
        Assert.Empty(ui.PageErrors);
    }

    [Fact]
    public async Task AReviewerDecidingAScansChecksIsWarnedOnTheQueueItemToo()
    {
        await using var ui = new ReviewUi(chromium, new() { ["Extraction:Ocr:LowConfidence"] = "1" });
        var review = await (await ui.App.Analyst().SubmitAsync(
            ReviewRequests.Base64(Fixtures.Bytes("scan-page3.png"), "scan-page3.png", "image/png"), wait: "60")).JsonAsync();
        var queue = await (await ui.App.WithKey(ReviewApp.ReviewerKey).GetAsync("/v1/queue")).JsonAsync();
        var item = queue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("reviewId").GetString() == review.GetProperty("id").GetString());

        var page = await ui.SignInAsync(ReviewApp.ReviewerKey);
        await page.GotoAsync($"/#/queue/{item.GetProperty("id").GetString()}");

        await Assertions.Expect(page.Locator("#ocr-notice")).ToContainTextAsync("recognition errors", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#ocr-low-pages")).ToHaveTextAsync("1");
        Assert.Empty(ui.PageErrors);
    }

    [Fact]
    public async Task DocumentWithATextLayerShowsNoOcrWarning()
    {
        await using var ui = new ReviewUi(chromium);
        var review = await (await ui.App.Analyst().SubmitAsync(ReviewRequests.Text(Fixtures.Text("contract.txt")), wait: "20")).JsonAsync();

        var page = await ui.SignInAsync(ReviewApp.AnalystKey);
        await page.GotoAsync($"/#/reviews/{review.GetProperty("id").GetString()}");

        await Assertions.Expect(page.Locator("#findings tr[data-check='governing-law']")).ToContainTextAsync(Fixtures.GoverningLawState);
        await Assertions.Expect(page.Locator("#ocr-notice")).ToHaveCountAsync(0);
    }
}
