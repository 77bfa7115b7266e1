using System.Text;
using System.Text.Json;

namespace ReviewService.Tests.Security;

/// <summary>
/// One entry of Fixtures/hostile/manifest.json: the input, how it is sent (<see cref="Send"/>: <c>base64</c> or <c>text</c> in the
/// JSON body, a <c>multipart</c> file part, or the raw request <c>body</c>), what it attacks, and the status and detail it must get.
/// </summary>
public sealed record HostileEntry(
    string Name, string? File, string Send, string Attack, int Status, string Detail, string? FileName, string? ContentType,
    string? RequestContentType, Dictionary<string, string>? Headers, JsonElement[][]? Generate, string? Policy)
{
    public override string ToString() => Name;
}

/// <summary>Reads the hostile corpus and turns each entry into the HTTP request it describes.</summary>
public static class HostileCorpus
{
    const string Folder = "hostile";

    public static IReadOnlyList<HostileEntry> Entries { get; } = JsonDocument.Parse(Fixtures.Text(Path.Combine(Folder, "manifest.json")))
        .RootElement.GetProperty("entries").Deserialize<List<HostileEntry>>(ReviewApp.Json)!;

    public static HostileEntry Find(string name) => Entries.Single(e => e.Name == name);

    /// <summary>The file, or for large repetitive inputs the bytes the manifest's [text, times] segments describe.</summary>
    public static byte[] Bytes(HostileEntry entry)
    {
        if (entry.File is { } file)
        {
            return Fixtures.Bytes(Path.Combine(Folder, file));
        }
        var segments = entry.Generate!.Select(s => (Unit: Encoding.UTF8.GetBytes(s[0].GetString()!), Times: s[1].GetInt32())).ToList();
        var bytes = new byte[segments.Sum(s => (long)s.Unit.Length * s.Times)];
        var at = 0;
        foreach (var (unit, times) in segments)
        {
            for (var i = 0; i < times; i++, at += unit.Length)
            {
                unit.CopyTo(bytes, at);
            }
        }
        return bytes;
    }

    public static HttpRequestMessage Request(HostileEntry entry)
    {
        var bytes = Bytes(entry);
        var policy = entry.Policy ?? "contract-review";
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/reviews")
        {
            Content = entry.Send switch
            {
                "base64" => Json(ReviewRequests.Base64(bytes, entry.FileName!, entry.ContentType!, policy)),
                "text" => Json(ReviewRequests.Text(Encoding.UTF8.GetString(bytes), entry.FileName!, entry.ContentType!, policy)),
                "multipart" => Multipart(bytes, entry, policy),
                "body" => Raw(bytes, entry.RequestContentType),
                _ => throw new InvalidOperationException($"{entry.Name}: unknown send '{entry.Send}'."),
            },
        };
        // As curl does for large bodies: the service may refuse on the headers alone (413), before a byte of the body is sent.
        request.Headers.ExpectContinue = true;
        foreach (var (name, value) in entry.Headers ?? [])
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return request;
    }

    /// <summary>Serialized up front, so the request has a Content-Length the service can refuse on.</summary>
    static ByteArrayContent Json(object body) => Raw(JsonSerializer.SerializeToUtf8Bytes(body, ReviewApp.Json), "application/json");

    static MultipartFormDataContent Multipart(byte[] bytes, HostileEntry entry, string policy)
    {
        var file = new ByteArrayContent(bytes);
        if (entry.ContentType is { } type)
        {
            file.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        return new MultipartFormDataContent { { new StringContent(policy), "policy" }, { file, "file", entry.FileName! } };
    }

    /// <summary>The body as given, with its Content-Type unvalidated (some entries send a malformed one on purpose).</summary>
    static ByteArrayContent Raw(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        else
        {
            content.Headers.ContentType = null;
        }
        return content;
    }

    /// <summary>Files a hostile entry would create if the service honoured its paths (zip slip).</summary>
    public static IReadOnlyList<string> EscapeTargets { get; } = ["/tmp/evil.xml", "/etc/cron.d/evil", "/usr/bin/evil"];
}
