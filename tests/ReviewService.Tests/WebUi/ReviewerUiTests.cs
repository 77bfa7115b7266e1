using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReviewService.Tests.Judge;
using ReviewService.Tests.ReviewQueue;

namespace ReviewService.Tests.WebUi;

[Collection(BrowserCollection.Name)]
public sealed partial class ReviewerUiTests(Chromium chromium)
{
    [Fact]
    public async Task ReviewerClaimsAnItemSeesItsPassagesDecidesEveryCheckWithTheKeyboardAndTheReviewIsCompleted()
    {
        await using var ui = new ReviewUi(chromium);
        var (review, item) = await ui.App.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        Assert.Equal("needs_review", review.GetProperty("status").GetString());
        var itemId = item.GetProperty("id").GetString();
        var checks = item.Checks();

        var page = await ui.SignInAsync(ReviewApp.ReviewerKey);
        await Assertions.Expect(page).ToHaveURLAsync(QueueAddress());
        await page.Locator($"#queue tr[data-id='{itemId}'] a").ClickAsync();
        await Assertions.Expect(page.Locator("#checks > li.check")).ToHaveCountAsync(checks.Count);

        foreach (var check in checks)
        {
            var finding = review.Finding(check);
            var panel = page.Locator($"#checks > li[data-check='{check}']");
            foreach (var ruleId in finding.GetProperty("ruleIds").EnumerateArray())
            {
                await Assertions.Expect(panel.Locator(".rules")).ToContainTextAsync(ruleId.GetString()!);
            }
            foreach (var passage in Passages(finding))
            {
                Assert.Equal(passage.GetProperty("text").GetString(), await HighlightedTextAsync(page, check, passage));
            }
        }
        Assert.True(await page.Locator("#document mark").CountAsync() > 0);

        await page.Keyboard.PressAsync("c");
        await Assertions.Expect(page.Locator("#lease")).ToContainTextAsync("You hold this item");
        await page.Keyboard.PressAsync("e");
        await page.Keyboard.TypeAsync("Read the whole clause: no cap.");
        await page.Keyboard.PressAsync("Escape");
        var outcomes = checks.Select((check, i) => (check, outcome: i % 2 == 0 ? "present" : "absent")).ToList();
        foreach (var (_, outcome) in outcomes)
        {
            await page.Keyboard.PressAsync(outcome == "present" ? "p" : "a");
        }
        await page.Keyboard.PressAsync("Control+Enter");

        await Assertions.Expect(page.Locator("#review-status")).ToHaveTextAsync("completed");
        using var api = ui.App.WithKey(ReviewApp.ReviewerKey);
        var decided = await (await api.GetAsync($"/v1/reviews/{review.GetProperty("id").GetString()}")).JsonAsync();
        foreach (var (check, outcome) in outcomes)
        {
            Assert.Equal(outcome, decided.Finding(check).GetProperty("outcome").GetString());
            Assert.Equal("reviewer", decided.Finding(check).GetProperty("decidedBy").GetString());
        }
        await Assertions.Expect(page.Locator("#audit")).ToContainTextAsync("Read the whole clause: no cap.");
        Assert.Empty(ui.PageErrors);
    }

    [Fact]
    public async Task SecondReviewerCannotClaimAnItemTheFirstHoldsAndIsToldWhoHoldsIt()
    {
        await using var ui = new ReviewUi(chromium);
        var (_, item) = await ui.App.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        var itemId = item.GetProperty("id").GetString();
        var itemPage = $"/#/queue/{itemId}";

        var first = await ui.SignInAsync(ReviewApp.ReviewerKey);
        await first.GotoAsync(itemPage);
        await first.Locator("#claim").ClickAsync();
        await Assertions.Expect(first.Locator("#lease")).ToContainTextAsync("You hold this item");

        var second = await ui.SignInAsync(ReviewApp.Reviewer2Key);
        await Assertions.Expect(second.Locator("#who-name")).ToContainTextAsync("reviewer-2");
        await second.GotoAsync(itemPage);
        await Assertions.Expect(second.Locator("#lease")).ToContainTextAsync("Held by reviewer-1");
        await second.Locator("#claim").ClickAsync();

        await Assertions.Expect(second.Locator("#status[role=alert]")).ToContainTextAsync("reviewer-1");
        await Assertions.Expect(second.Locator("#checks input[type=radio]").First).ToBeDisabledAsync();
        await Assertions.Expect(second.Locator("#submit")).ToBeDisabledAsync();
        using var api = ui.App.WithKey(ReviewApp.ReviewerKey);
        var held = await (await api.GetAsync($"/v1/queue/{itemId}")).JsonAsync();
        Assert.Equal("reviewer-1", held.GetProperty("item").GetProperty("lease").GetProperty("holder").GetString());
    }

    [Fact]
    public async Task AWorkingReviewersClaimIsRenewedBeforeItLapsesAndAnIdleReviewersLapsesKeepingTheDecisions()
    {
        // The page renews a lease past half its length if the reviewer worked since the last claim. A 2-minute lease (15 by
        // default) leaves the test fewer of the page's once-a-second checks to run through.
        var lease = TimeSpan.FromMinutes(2);
        var clock = new TestClock();
        await using var ui = new ReviewUi(chromium, new() { ["Queue:LeaseMinutes"] = "2" }, clock);
        var (review, item) = await ui.App.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        var itemId = item.GetProperty("id").GetString();
        using var api = ui.App.WithKey(ReviewApp.ReviewerKey);
        async Task<JsonElement> LeaseAsync() => (await (await api.GetAsync($"/v1/queue/{itemId}")).JsonAsync()).GetProperty("item").GetProperty("lease");

        var page = await ui.SignInAsync(ReviewApp.ReviewerKey);
        await page.GotoAsync($"/#/queue/{itemId}");
        await Assertions.Expect(page.Locator("#checks > li.check").First).ToBeVisibleAsync();
        await ui.PauseClocksAsync();
        await page.Keyboard.PressAsync("c");
        await Assertions.Expect(page.Locator("#lease")).ToContainTextAsync("You hold this item");

        // Half a lease after each key press (and the page's next check, a second later) the claim is renewed for a whole lease.
        async Task WorkAndSeeTheClaimRenewedAsync(string key)
        {
            var held = await page.Locator("#lease").TextContentAsync();
            await page.Keyboard.PressAsync(key);
            await ui.AdvanceAsync(lease / 2 + TimeSpan.FromSeconds(1));
            await Assertions.Expect(page.Locator("#lease")).Not.ToHaveTextAsync(held!);
            var renewed = await LeaseAsync();
            Assert.Equal("reviewer-1", renewed.GetProperty("holder").GetString());
            Assert.Equal(clock.GetUtcNow() + lease, renewed.GetProperty("expiresAt").GetDateTimeOffset());
        }
        await WorkAndSeeTheClaimRenewedAsync("p");
        await WorkAndSeeTheClaimRenewedAsync("j");

        // Idle: a minute before the lease ends the claim holds; a minute after, it has lapsed and the page says so.
        await ui.AdvanceAsync(lease - TimeSpan.FromMinutes(1));
        Assert.Equal("reviewer-1", (await LeaseAsync()).GetProperty("holder").GetString());
        Assert.DoesNotContain("lapsed", await page.Locator("#status").TextContentAsync());
        await ui.AdvanceAsync(TimeSpan.FromMinutes(2));
        await Assertions.Expect(page.Locator("#status[role=alert]")).ToContainTextAsync("lapsed");
        Assert.Equal(JsonValueKind.Null, (await LeaseAsync()).ValueKind);
        await Assertions.Expect(page.Locator("#submit")).ToBeDisabledAsync();

        // The decision made is still there after claiming again.
        await page.Keyboard.PressAsync("c");
        await Assertions.Expect(page.Locator("#lease")).ToContainTextAsync("You hold this item");
        await Assertions.Expect(page.Locator("#checks input[type=radio][value=present]").First).ToBeCheckedAsync();
        var actions = (await api.AuditAsync(review.GetProperty("id").GetString()!)).Select(e => e.GetProperty("action").GetString());
        Assert.Equal(["evaluated", "queued", "claimed", "lease-renewed", "lease-renewed", "claimed"], actions);
        Assert.Empty(ui.PageErrors);
    }

    [Fact]
    public async Task ReviewerSeesTheModelsRefusedSuggestionWithItsRationale()
    {
        await using var llm = await ScriptedLlmServer.StartAsync();
        llm.Behaviour = call => ScriptedReply.Answer(call, check =>
            Verdict.Present(call.FirstPassage(check), confidence: 0.5) with { Rationale = $"The {check} clause reads so." });
        await using var ui = new ReviewUi(chromium, JudgeTestData.Settings(llm));
        var (_, item) = await ui.App.SubmitAndFindItemAsync(JudgeTestData.Distribution());

        var page = await ui.SignInAsync(ReviewApp.ReviewerKey);
        await page.GotoAsync($"/#/queue/{item.GetProperty("id").GetString()}");

        var suggestion = page.Locator("#checks > li[data-check='non-compete'] .suggestion");
        await Assertions.Expect(suggestion).ToContainTextAsync("The model said present with confidence 0.50");
        await Assertions.Expect(suggestion).ToContainTextAsync("Rationale: The non-compete clause reads so.");
        await Assertions.Expect(suggestion).ToContainTextAsync($"({JudgeTestData.PrimaryModel}, prompt ");
        await Assertions.Expect(suggestion).ToContainTextAsync("Not accepted because: low-confidence");
        await Assertions.Expect(suggestion.Locator("blockquote")).ToContainTextAsync(JudgeTestData.NonCompeteClause);
    }

    [Fact]
    public async Task ReviewerSeesAHeldRulesDecisionsRuleItsMeasuredPrecisionAndItsClauseWithTheMatchedWordsMarked()
    {
        var rules = Path.Combine(Path.GetTempPath(), "reviewservice-targets", Guid.NewGuid().ToString("N"));
        try
        {
            Fixtures.EditJson(Fixtures.CopyOfPolicy(rules), "policy.json", json => json["targetAccuracy"] = new System.Text.Json.Nodes.JsonObject { ["overall"] = 0.999 });
            await using var ui = new ReviewUi(chromium, new() { ["Policies:Directory"] = rules });
            var (review, item) = await ui.App.SubmitAndFindItemAsync(JudgeTestData.Distribution());
            var measured = review.Finding("governing-law").GetProperty("proposal");

            var page = await ui.SignInAsync(ReviewApp.ReviewerKey);
            await page.GotoAsync($"/#/queue/{item.GetProperty("id").GetString()}");

            var panel = page.Locator("#checks > li[data-check='governing-law']");
            await Assertions.Expect(panel.Locator(".badges")).ToContainTextAsync("low-confidence");
            var proposal = panel.Locator(".proposal");
            await Assertions.Expect(proposal).ToContainTextAsync("Rule GL-1 choice-of-law sentence said present.");
            await Assertions.Expect(proposal).ToContainTextAsync(
                $"Measured precision {measured.GetProperty("confidence").GetDouble():0.000} (right on {measured.GetProperty("correct").GetInt32()} of {measured.GetProperty("decided").GetInt32()} labelled contracts), under the policy\u2019s target of 0.999.");
            await Assertions.Expect(proposal.Locator("blockquote")).ToContainTextAsync("This Agreement shall be governed by the laws of the State of Delaware.");
            Assert.True(await proposal.Locator("blockquote mark.match").CountAsync() > 0, "the matched words are marked in the clause");
            Assert.Empty(ui.PageErrors);
        }
        finally
        {
            Directory.Delete(rules, recursive: true);
        }
    }

    [Fact]
    public async Task SigningInWithAWrongKeyShowsWhyAndSigningOutForgetsTheKey()
    {
        await using var ui = new ReviewUi(chromium);
        var page = await ui.OpenAsync("/");

        await page.Locator("#api-key").FillAsync("not-a-key");
        await page.Locator("#sign-in").ClickAsync();
        await Assertions.Expect(page.Locator("#status[role=alert]")).ToContainTextAsync("not valid");

        await page.Locator("#api-key").FillAsync(ReviewApp.ReviewerKey);
        await page.Locator("#sign-in").ClickAsync();
        await Assertions.Expect(page.Locator("#who-name")).ToContainTextAsync("reviewer-1");
        await page.Locator("#sign-out").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(SignInAddress());
        Assert.Equal(0, await page.EvaluateAsync<int>("() => sessionStorage.length"));
        await page.GotoAsync("/#/queue");
        await Assertions.Expect(page).ToHaveURLAsync(SignInAddress());
    }

    static IEnumerable<JsonElement> Passages(JsonElement finding) =>
        finding.GetProperty("evidence").EnumerateArray().Concat(finding.GetProperty("candidates").EnumerateArray());

    /// <summary>The text of the marks that carry the check between the passage's offsets: the passage's text when highlighting is right.</summary>
    static Task<string> HighlightedTextAsync(IPage page, string check, JsonElement passage) =>
        page.EvaluateAsync<string>("""
            ([check, start, end]) => [...document.querySelectorAll('#document mark')]
              .filter(m => Number(m.dataset.start) >= start && Number(m.dataset.start) < end && m.dataset.checks.split(' ').includes(check))
              .map(m => m.textContent).join('')
            """, new object[] { check, passage.GetProperty("start").GetInt32(), passage.GetProperty("end").GetInt32() });

    [GeneratedRegex("#/queue$")]
    private static partial Regex QueueAddress();

    [GeneratedRegex("#/signin$")]
    private static partial Regex SignInAddress();
}
