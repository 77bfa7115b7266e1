using Microsoft.Playwright;

namespace ReviewService.Tests.WebUi;

/// <summary>
/// The real service on a loopback port with its own SQLite file, and signed-in browser tabs on it (one browser context per
/// user, so each has its own sessionStorage). Records every dialog and page error, so a test can assert that no script ran.
/// </summary>
public sealed class ReviewUi : IAsyncDisposable
{
    readonly List<IBrowserContext> _contexts = [];
    readonly Chromium _chromium;

    public ReviewUi(Chromium chromium, Dictionary<string, string?>? settings = null)
    {
        _chromium = chromium;
        // Expectations poll until they hold; 5 s (Playwright's default) is too short on a loaded 2-core CI machine.
        Assertions.SetDefaultExpectTimeout(20_000);
        App = new ReviewApp(settings: settings);
        BaseAddress = App.StartOnLoopback();
    }

    public ReviewApp App { get; }
    public Uri BaseAddress { get; }
    public List<string> Dialogs { get; } = [];
    public List<string> PageErrors { get; } = [];

    /// <summary>A new tab at <c>/</c>, signed in through the sign-in page with the given API key.</summary>
    public async Task<IPage> SignInAsync(string apiKey)
    {
        var page = await OpenAsync("/");
        await page.Locator("#api-key").FillAsync(apiKey);
        await page.Locator("#sign-in").ClickAsync();
        await Assertions.Expect(page.Locator("#who-name")).ToBeVisibleAsync();
        return page;
    }

    public async Task<IPage> OpenAsync(string path)
    {
        var context = await _chromium.Browser.NewContextAsync(new() { BaseURL = BaseAddress.ToString() });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Dialog += async (_, dialog) =>
        {
            Dialogs.Add($"{dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };
        page.PageError += (_, error) => PageErrors.Add(error);
        await page.GotoAsync(path);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
        await App.DisposeAsync();
    }
}
