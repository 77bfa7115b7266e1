using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ReviewService.Tests;

/// <summary>
/// The real service over a real SQLite file in a temp folder (or, with <c>REVIEWS_TEST_PROVIDER=Postgres</c>, its own PostgreSQL
/// database: see <see cref="Storage.TestPostgres"/>), with one API key per role.
/// </summary>
public sealed class ReviewApp : WebApplicationFactory<Program>
{
    public const string AnalystKey = "test-analyst-key";
    public const string ReviewerKey = "test-reviewer-key";
    public const string Reviewer2Key = "test-reviewer2-key";

    readonly Dictionary<string, string?> _settings;

    public ReviewApp(string? databasePath = null, Dictionary<string, string?>? settings = null)
    {
        DatabasePath = databasePath ?? Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"{Guid.NewGuid():N}.db");
        _settings = settings ?? [];
    }

    public string DatabasePath { get; }

    /// <summary>The service's clock, when a test moves time itself (e.g. a <c>FakeTimeProvider</c>); the system clock otherwise.</summary>
    public TimeProvider? Clock { get; init; }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        if (Storage.TestPostgres.AppsUsePostgres)
        {
            // The same path gives the same database, so a test can start the app again on what it stored.
            builder.UseSetting("Storage:Provider", "Postgres");
            builder.UseSetting("ConnectionStrings:Reviews", Storage.TestPostgres.Database(DatabasePath));
        }
        else
        {
            builder.UseSetting("ConnectionStrings:Reviews", $"Data Source={DatabasePath}");
        }
        foreach (var (key, value) in KeySettings)
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting("Processing:PollSeconds", "0.2");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (Clock is { } clock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }

    /// <summary>The test API keys (one per role) as configuration, for this factory and for service processes.</summary>
    public static IReadOnlyDictionary<string, string> KeySettings { get; } = new Dictionary<string, string>
    {
        ["Auth:ApiKeys:0:Name"] = "analyst-1",
        ["Auth:ApiKeys:0:KeySha256"] = Sha256(AnalystKey),
        ["Auth:ApiKeys:0:Roles:0"] = "analyst",
        ["Auth:ApiKeys:1:Name"] = "reviewer-1",
        ["Auth:ApiKeys:1:KeySha256"] = Sha256(ReviewerKey),
        ["Auth:ApiKeys:1:Roles:0"] = "reviewer",
        ["Auth:ApiKeys:2:Name"] = "reviewer-2",
        ["Auth:ApiKeys:2:KeySha256"] = Sha256(Reviewer2Key),
        ["Auth:ApiKeys:2:Roles:0"] = "reviewer",
    };

    public HttpClient Analyst() => WithKey(AnalystKey);

    /// <summary>Serves on a real loopback port (Kestrel) for a browser; returns the address. Call before any client is created.</summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    public HttpClient WithKey(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    static string Sha256(string key) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
}

/// <summary>Requests and reads shared by the integration tests.</summary>
public static class ReviewRequests
{
    public static object Text(string text, string fileName = "contract.txt", string contentType = "text/plain", string policy = "contract-review") =>
        new { policy, document = new { fileName, contentType, text } };

    public static object Base64(byte[] content, string fileName, string contentType, string policy = "contract-review") =>
        new { policy, document = new { fileName, contentType, contentBase64 = Convert.ToBase64String(content) } };

    public static Task<HttpResponseMessage> SubmitAsync(this HttpClient client, object body, string? wait = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/reviews") { Content = JsonContent.Create(body) };
        if (wait is not null)
        {
            request.Headers.Add("Prefer", $"wait={wait}");
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Polls a review until it leaves <c>pending</c> (workers run in the background).</summary>
    public static async Task<JsonElement> WaitForReviewAsync(this HttpClient client, string id, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var review = await (await client.GetAsync($"/v1/reviews/{id}")).JsonAsync();
            if (review.GetProperty("status").GetString() != "pending" || DateTime.UtcNow > deadline)
            {
                return review;
            }
            await Task.Delay(100);
        }
    }

    public static JsonElement Finding(this JsonElement review, string check) =>
        review.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("check").GetString() == check);
}

/// <summary>The committed fixture files (see Fixtures/README.md) and the repository folders.</summary>
public static class Fixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));
    public static string Text(string name) => File.ReadAllText(Path(name));
    public static JsonElement Expected { get; } = JsonDocument.Parse(Text("expected.json")).RootElement;
    public static string GoverningLawState => Expected.GetProperty("governingLawState").GetString()!;
    public static string RulesDirectory => System.IO.Path.Combine(AppContext.BaseDirectory, "rules");
    public static string EvalData => System.IO.Path.Combine(AppContext.BaseDirectory, "eval-data");

    /// <summary>Collapses white space so text from different formats can be compared.</summary>
    public static string Squash(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
