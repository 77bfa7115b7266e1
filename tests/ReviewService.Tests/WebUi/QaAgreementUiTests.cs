using Microsoft.Playwright;
using ReviewService.Tests.ReviewQueue;

namespace ReviewService.Tests.WebUi;

[Collection(BrowserCollection.Name)]
public sealed class QaAgreementUiTests(Chromium chromium)
{
    [Fact]
    public async Task AfterVerdictsOnAQaSampleTheAgreementPageShowsTheFiguresPerStageAndCheck()
    {
        await using var ui = new ReviewUi(chromium, Fixtures.WithoutTarget(new() { ["Queue:QaSampleRate"] = "1" }));
        var (review, item) = await ui.App.SubmitAndFindItemAsync(Fixtures.Text("joint-filing-agreement.txt"));
        var automated = review.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => f.GetProperty("check").GetString()!, f => f.GetProperty("outcome").GetString()!);
        using var reviewer = ui.App.WithKey(ReviewApp.ReviewerKey);
        (await reviewer.ClaimAsync(item)).EnsureSuccessStatusCode();
        (await reviewer.ResolveAsync(item, item.Verdicts(c => c == "governing-law" ? Flip(automated[c]) : automated[c]))).EnsureSuccessStatusCode();

        var page = await ui.SignInAsync(ReviewApp.ReviewerKey);
        await page.Locator("nav a", new() { HasText = "Agreement" }).ClickAsync();

        var checks = automated.Count;
        var rules = page.Locator("#agreement-stages tr[data-stage='rules'] td");
        await Assertions.Expect(rules).ToHaveTextAsync(["rules", $"{checks}", $"{checks - 1}", $"{(checks - 1) * 100.0 / checks:0.0}%"]);
        await Assertions.Expect(page.Locator("#agreement-checks tr[data-check='governing-law'] td").Nth(3)).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"{checks - 1} of {checks} verdicts agree");
        Assert.Empty(ui.PageErrors);
    }

    static string Flip(string outcome) => outcome == "present" ? "absent" : "present";
}
