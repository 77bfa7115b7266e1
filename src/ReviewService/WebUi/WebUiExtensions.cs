namespace ReviewService.WebUi;

/// <summary>
/// The reviewers' and analysts' web UI: plain files from <c>wwwroot/</c>, served anonymously (the page asks for an API key and
/// sends it on every API call), with a Content-Security-Policy that allows only this origin's own scripts and styles.
/// </summary>
public static class WebUiExtensions
{
    /// <summary>No inline script or style, no other origin, no framing: document text reaches the page only as text nodes.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// <c>/</c> serves <c>index.html</c>. Call before authentication: the fallback policy (an authenticated user) would
    /// otherwise refuse the page that asks for the key.
    /// </summary>
    public static WebApplication UseWebUi(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = context => AddSecurityHeaders(context.Context.Response) });
        return app;
    }

    static void AddSecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XFrameOptions = "DENY";
        // A new version of the UI is picked up at once: the browser revalidates (ETag) instead of using a stale app.js.
        response.Headers.CacheControl = "no-cache";
    }
}
