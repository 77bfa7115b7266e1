using System.Text.Json;
using Microsoft.Playwright;
using ReviewService.Tests.ReviewQueue;

namespace ReviewService.Tests.WebUi;

/// <summary>Document text is untrusted: it reaches the page only as text nodes, split at the passages' offsets into marks.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DocumentTextTests(Chromium chromium)
{
    const string Payload = "<script>window.__pwned = 1; alert(1)</script>\n<img src=x onerror=\"window.__pwned = 2; alert(2)\">\n<b>not bold</b>\n";

    [Fact]
    public async Task OverlappingPassagesAreSplitIntoMarksThatNameEveryCheckCoveringThem()
    {
        await using var ui = new ReviewUi(chromium);
        var page = await ui.OpenAsync("/");

        // "0123456789": evidence of a over [2,6) with its matched word [3,4), a candidate of b over [4,8), a candidate of c
        // inside it over [5,6), one out of range.
        var pieces = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const { highlight } = await import('/js/dom.js');
              const box = document.createElement('div');
              box.append(highlight('0123456789', [
                { start: 2, end: 6, check: 'a', kind: 'evidence' },
                { start: 3, end: 4, check: 'a', kind: 'match' },
                { start: 4, end: 8, check: 'b', kind: 'candidate' },
                { start: 5, end: 6, check: 'c', kind: 'candidate' },
                { start: 9, end: 42, check: 'd', kind: 'candidate' },
              ]));
              return [...box.childNodes].map(n => n.nodeName === 'MARK'
                ? `[${n.textContent}|${n.dataset.checks}|${n.className}]` : n.textContent);
            }
            """);

        Assert.Equal(["01", "[2|a|evidence]", "[3|a|evidence match]", "[4|a b|evidence overlap]", "[5|a b c|evidence overlap]", "[67|b|candidate]", "89"],
            pieces.EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task ScriptAndMarkupInAContractAreShownAsTextAndNeverRun()
    {
        await using var ui = new ReviewUi(chromium);
        var (review, item) = await ui.App.SubmitAndFindItemAsync(Payload + Fixtures.Text("contract.txt"), fileName: "<img src=x onerror=alert(3)>.txt");

        var reviewer = await ui.SignInAsync(ReviewApp.ReviewerKey);
        await Assertions.Expect(reviewer.Locator("#queue")).ToContainTextAsync("<img src=x onerror=alert(3)>.txt");
        await reviewer.GotoAsync($"/#/queue/{item.GetProperty("id").GetString()}");
        await ShowsThePayloadAsTextAsync(reviewer);

        var analyst = await ui.SignInAsync(ReviewApp.AnalystKey);
        await analyst.GotoAsync($"/#/reviews/{review.GetProperty("id").GetString()}");
        await ShowsThePayloadAsTextAsync(analyst);

        Assert.Empty(ui.Dialogs);
        Assert.Empty(ui.PageErrors);
    }

    async Task ShowsThePayloadAsTextAsync(IPage page)
    {
        var document = page.Locator("#document");
        await Assertions.Expect(document).ToContainTextAsync("<script>window.__pwned = 1; alert(1)</script>");
        await Assertions.Expect(document).ToContainTextAsync("<img src=x onerror=\"window.__pwned = 2; alert(2)\">");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("<img src=x onerror=alert(3)>.txt");
        Assert.Equal(0, await page.Locator("#document script, #document img, #document b, h1 img").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__pwned === undefined"));
    }
}
