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
    public const string Analyst2Key = "test-analyst2-key";
    public const string OperatorKey = "test-operator-key";
    public const string AdminKey = "test-admin-key";

    /// <summary>One credential per role, and a second analyst and reviewer: name, key, roles.</summary>
    public static readonly IReadOnlyList<(string Name, string Key, string Role)> Keys =
    [
        ("analyst-1", AnalystKey, "analyst"), ("reviewer-1", ReviewerKey, "reviewer"), ("reviewer-2", Reviewer2Key, "reviewer"),
        ("analyst-2", Analyst2Key, "analyst"), ("operator-1", OperatorKey, "operator"), ("admin-1", AdminKey, "admin"),
    ];

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

    /// <summary>How long the workers wait for a signal before they look for work in the database anyway.</summary>
    public static TimeSpan WorkerPoll { get; } = TimeSpan.FromSeconds(0.2);

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
        foreach (var (key, value) in CommonSettings)
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting("Processing:PollSeconds", WorkerPoll.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (Clock is { } clock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }

    /// <summary>The test credentials and limits as configuration, for this factory and for service processes (<see cref="Storage.ServiceProcess"/>).</summary>
    public static IReadOnlyDictionary<string, string> CommonSettings { get; } = BuildCommonSettings();

    static Dictionary<string, string> BuildCommonSettings()
    {
        var settings = new Dictionary<string, string>();
        foreach (var (i, (name, key, role)) in Keys.Index())
        {
            settings[$"Auth:ApiKeys:{i}:Name"] = name;
            settings[$"Auth:ApiKeys:{i}:KeySha256"] = Sha256(key);
            settings[$"Auth:ApiKeys:{i}:Roles:0"] = role;
        }
        // Tests poll and submit faster than any person: production rate limits would throttle them (LimitsTests sets its own).
        foreach (var limit in new[] { "RequestsPerMinute", "SubmissionsPerMinute", "AnonymousPerMinute" })
        {
            settings[$"RateLimits:{limit}"] = "1000000";
        }
        return settings;
    }

    public HttpClient Analyst() => this.WithKey(AnalystKey);

    /// <summary>Serves on a real loopback port (Kestrel) for a browser; returns the address. Call before any client is created.</summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    public static string Sha256(string key) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
}

/// <summary>Requests and reads shared by the integration tests.</summary>
public static class ReviewRequests
{
    /// <summary>A client of this app (or of one derived with <c>WithWebHostBuilder</c>) that sends <paramref name="key"/> as its API key.</summary>
    public static HttpClient WithKey(this WebApplicationFactory<Program> app, string key)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

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

    /// <summary>The JPEG a PDF made by img2pdf holds verbatim (its one image stream, from SOI to EOI): a JPEG scan with no fixture of its own.</summary>
    public static byte[] JpegInside(string pdf)
    {
        var bytes = Bytes(pdf).AsSpan();
        var start = bytes.IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]);
        var end = bytes.LastIndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]);
        return bytes[start..(end + 2)].ToArray();
    }
    public static JsonElement Expected { get; } = JsonDocument.Parse(Text("expected.json")).RootElement;
    public static string GoverningLawState => Expected.GetProperty("governingLawState").GetString()!;
    public static string RulesDirectory => System.IO.Path.Combine(AppContext.BaseDirectory, "rules");

    /// <summary>
    /// The shipped policies with no <c>targetAccuracy</c>: every rules decision final, for tests of what follows a review the
    /// rules decide entirely (QA samples, retention) rather than of the target. Settings: <see cref="WithoutTarget"/>.
    /// </summary>
    public static string RulesWithoutTarget => UntargetedRules.Value;

    public static Dictionary<string, string?> WithoutTarget(Dictionary<string, string?> settings)
    {
        settings["Policies:Directory"] = RulesWithoutTarget;
        return settings;
    }

    static readonly Lazy<string> UntargetedRules = new(() =>
    {
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "reviewservice-untargeted", Guid.NewGuid().ToString("N"));
        foreach (var policy in Directory.GetDirectories(RulesDirectory))
        {
            EditJson(CopyOfPolicy(root, System.IO.Path.GetFileName(policy)), "policy.json", json => json.AsObject().Remove("targetAccuracy"));
        }
        return root;
    });
    public static string EvalData => System.IO.Path.Combine(AppContext.BaseDirectory, "eval-data");

    /// <summary>
    /// cuad-dev, found as the benchmarks find it: <c>CUAD_DIR</c>, else <c>../shared/datasets/cuad-dev</c> from the repository
    /// root (the folder holding ReviewService.sln), as CI has it.
    /// </summary>
    public static string CuadDev { get; } = Environment.GetEnvironmentVariable("CUAD_DIR") is { Length: > 0 } set
        ? System.IO.Path.GetFullPath(set)
        : System.IO.Path.GetFullPath(System.IO.Path.Combine(RepositoryRoot(), "..", "shared", "datasets", "cuad-dev"));

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ReviewService.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("ReviewService.sln not found above the test binaries: set CUAD_DIR to the cuad-dev data set.");
    }

    /// <summary>A copy of the shipped policy <paramref name="name"/> under <paramref name="rulesRoot"/>, for a test to break.</summary>
    public static string CopyOfPolicy(string rulesRoot, string name = "contract-review")
    {
        var target = System.IO.Path.Combine(rulesRoot, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(System.IO.Path.Combine(RulesDirectory, name)))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
        }
        return target;
    }

    /// <summary>Rewrites the JSON file <paramref name="name"/> in <paramref name="folder"/> with <paramref name="edit"/>.</summary>
    public static void EditJson(string folder, string name, Action<System.Text.Json.Nodes.JsonNode> edit)
    {
        var path = System.IO.Path.Combine(folder, name);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    /// <summary>Collapses white space so text from different formats can be compared.</summary>
    public static string Squash(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
