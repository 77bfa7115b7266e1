using System.Net.Http.Headers;

namespace ReviewService.Judge;

/// <summary>
/// Removes the credential a request carried from the error body of its response. Some providers quote the key back in a 401
/// ("Incorrect API key provided: …"); Semantic Kernel puts that body into the exception message, and from there it would reach
/// logs and spans. Scrubbed here, at the wire, it reaches nothing.
/// </summary>
public sealed class CredentialEchoScrubber : DelegatingHandler
{
    static readonly string[] CredentialHeaders = ["Authorization", "api-key"];
    const string Redacted = "[redacted]";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode || response.Content is null)
        {
            return response;
        }
        var secrets = Credentials(request.Headers).ToList();
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var scrubbed = secrets.Aggregate(body, (text, secret) => text.Replace(secret, Redacted, StringComparison.Ordinal));
        var content = new StringContent(scrubbed);
        content.Headers.Clear();
        foreach (var header in response.Content.Headers.Where(h => h.Key != "Content-Length"))
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        response.Content.Dispose();
        response.Content = content;
        return response;
    }

    /// <summary>The header values, and the bare token of an <c>Authorization: Bearer …</c>, longest first so a whole value is replaced before its part.</summary>
    static IEnumerable<string> Credentials(HttpRequestHeaders headers) => CredentialHeaders
        .SelectMany(name => headers.TryGetValues(name, out var values) ? values : [])
        .SelectMany(value => value.Split(' ', 2) is [_, { Length: >= 8 } token] ? new[] { value, token } : [value])
        .Where(value => value.Length >= 8)
        .OrderByDescending(value => value.Length);
}
