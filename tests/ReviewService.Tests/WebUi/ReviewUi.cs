using Microsoft.Playwright;

namespace ReviewService.Tests.WebUi;

/// <summary>
/// The real service on a loopback port with its own SQLite file, and signed-in browser tabs on it (one browser context per
/// user, so each has its own sessionStorage). Records every dialog and page error, so a test can assert that no script ran.
/// Given a <see cref="TestClock"/>, the service runs on it and every tab on a Playwright clock that a test moves along with it.
/// </summary>
public sealed class ReviewUi : IAsyncDisposable
{
    readonly List<IBrowserContext> _contexts = [];
    readonly Chromium _chromium;
    readonly TestClock? _clock;

    public ReviewUi(Chromium chromium, Dictionary<string, string?>? settings = null, TestClock? clock = null)
    {
        _chromium = chromium;
        _clock = clock;
        // Expectations poll until they hold; 5 s (Playwright's default) is too short on a loaded 2-core CI machine.
        Assertions.SetDefaultExpectTimeout(20_000);
        App = new ReviewApp(settings: settings) { Clock = clock };
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
        if (_clock is not null)
        {
            // A minute behind the service while the page loads; PauseClocksAsync then stops it at the service's time.
            await context.Clock.InstallAsync(new() { TimeDate = (_clock.GetUtcNow() - TimeSpan.FromMinutes(1)).UtcDateTime });
        }
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

    /// <summary>Stops every tab's clock at the service's time: from then on only <see cref="AdvanceAsync"/> moves time, in both.</summary>
    public async Task PauseClocksAsync()
    {
        foreach (var context in _contexts)
        {
            await context.Clock.PauseAtAsync(Clock.GetUtcNow().UtcDateTime);
        }
    }

    /// <summary>Moves the service's clock and every tab's on by <paramref name="time"/>, firing the pages' timers on the way.</summary>
    public async Task AdvanceAsync(TimeSpan time)
    {
        Clock.Advance(time);
        foreach (var context in _contexts)
        {
            await context.Clock.RunForAsync((long)time.TotalMilliseconds);
        }
    }

    TestClock Clock => _clock ?? throw new InvalidOperationException("This ReviewUi was made without a TestClock.");

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
        await App.DisposeAsync();
    }
}
