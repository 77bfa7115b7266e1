using Microsoft.Playwright;

namespace ReviewService.Tests.WebUi;

/// <summary>
/// One headless Debian Chromium (installed by <c>.ci/run</c>) driven by Playwright, shared by the UI tests. Playwright's own
/// browser download cannot work here, so a missing Chromium fails every UI test with a message saying how to install it.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"The web UI tests need Chromium at {ExecutablePath}: run `apt-get install -y chromium` (bash .ci/run installs it).");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}

/// <summary>The UI tests share one browser and run one after another (the machine has two cores).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Chromium>
{
    public const string Name = "Browser";
}
