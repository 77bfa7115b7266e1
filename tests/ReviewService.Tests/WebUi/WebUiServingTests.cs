using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ReviewService.Tests.WebUi;

public sealed class WebUiServingTests : IDisposable
{
    readonly ReviewApp _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/js/app.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    public async Task TheUiIsServedWithoutAKeyUnderAStrictContentSecurityPolicy(string path, string contentType)
    {
        var response = await _app.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy);
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("style-src 'self'", policy);
        Assert.DoesNotContain("unsafe", policy);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task TheApiNextToTheUiStillNeedsAKey()
    {
        var response = await _app.CreateClient().GetAsync("/v1/reviews");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public void NoScriptOfTheUiParsesAStringAsHtmlOrCode()
    {
        var webRoot = _app.Services.GetRequiredService<IWebHostEnvironment>().WebRootPath;
        var scripts = Directory.GetFiles(Path.Combine(webRoot, "js"), "*.js");

        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            var code = File.ReadAllText(script);
            foreach (var sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "DOMParser" })
            {
                Assert.False(code.Contains(sink, StringComparison.Ordinal), $"{Path.GetFileName(script)} uses {sink}: build elements with dom.js instead.");
            }
        }
        var page = File.ReadAllText(Path.Combine(webRoot, "index.html"));
        Assert.DoesNotMatch("<script(?![^>]*\\ssrc=)", page);
        Assert.DoesNotContain("style=", page);
    }
}
