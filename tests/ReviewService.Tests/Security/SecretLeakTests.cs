using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ReviewService.Tests.Storage;
using ReviewService.Tests.Judge;
using ReviewService.Tests.ReviewQueue;
using ReviewService.Tests.Webhooks;
using static ReviewService.Tests.Judge.JudgeTestData;
using static ReviewService.Tests.Telemetry.TelemetryCapture;

namespace ReviewService.Tests.Security;

/// <summary>
/// API keys, the LLM key and the connection string never show in logs (even at Trace level), spans or response bodies, including
/// on the paths where they are most likely to: refused keys, and an LLM endpoint whose error message echoes the key it was sent.
/// </summary>
public sealed class SecretLeakTests : IAsyncLifetime
{
    const string LlmKey = "sk-canary-llm-key-5f0e9b1c";
    const string GuessedKey = "rs-canary-guessed-key-77d1";
    const string WebhookSecret = "whsec-canary-webhook-secret-3a9c";

    ScriptedLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task NoSecretAppearsInLogsSpansOrResponsesEvenWhenTheModelEndpointEchoesTheKey()
    {
        using var spans = new SpanCollector();
        var logs = new LogCollector();
        var calls = 0;
        // Every call fails with an error that quotes the Authorization header back, as some providers' 401s do.
        _server.Behaviour = call =>
        {
            Interlocked.Increment(ref calls);
            return new ScriptedReply(401, new JsonObject { ["error"] = new JsonObject { ["message"] = $"Incorrect API key provided: {call.Headers["authorization"]}" } }.ToJsonString());
        };
        using var app = new ReviewApp(settings: Settings(_server, ("Llm:ApiKey", LlmKey), ("Logging:LogLevel:Default", "Trace"), ("Webhooks:AllowPrivateNetworks", "true")));
        using var withLogs = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        var responses = new List<string>();

        async Task<HttpResponseMessage> Send(string? key, HttpMethod method, string path, object? body = null, string? bearer = null)
        {
            var client = withLogs.CreateClient();
            var request = new HttpRequestMessage(method, path) { Content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body) };
            if (key is not null)
            {
                request.Headers.Add("X-Api-Key", key);
            }
            if (bearer is not null)
            {
                request.Headers.Authorization = new("Bearer", bearer);
            }
            var response = await client.SendAsync(request);
            responses.Add($"{response.Headers}{response.Content.Headers}{await response.Content.ReadAsStringAsync()}");
            return response;
        }

        // A webhook signed with a secret, to a receiver that refuses it: the secret is in the answer that created it, and nowhere else.
        await using var receiver = new WebhookReceiver { Status = 401 };
        await receiver.StartAsync();
        var (webhook, _) = await withLogs.WithKey(ReviewApp.AnalystKey).SubscribeAsync(receiver.Url, WebhookRequests.ReviewFinished, WebhookSecret);
        var submitted = await (await Send(ReviewApp.AnalystKey, HttpMethod.Post, "/v1/reviews/", ReviewRequests.Text(Distribution()))).JsonAsync();
        var id = submitted.GetProperty("id").GetString()!;
        var analyst = withLogs.WithKey(ReviewApp.AnalystKey);
        await analyst.WaitForReviewAsync(id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(GuessedKey, HttpMethod.Get, "/v1/reviews/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(null, HttpMethod.Get, "/v1/reviews/", bearer: GuessedKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(ReviewApp.ReviewerKey, HttpMethod.Post, "/v1/reviews/", ReviewRequests.Text("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(ReviewApp.AnalystKey, HttpMethod.Get, $"/v1/reviews/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(ReviewApp.OperatorKey, HttpMethod.Get, "/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(ReviewApp.OperatorKey, HttpMethod.Get, "/health/details")).StatusCode);
        Assert.True(calls >= 1, "The judge should have met the echoing error.");
        await receiver.NextAsync();
        await analyst.WaitForDeliveriesAsync(webhook, d => d.Length == 1 && d[0].GetProperty("attempts").GetInt32() == 1);
        Assert.Equal(HttpStatusCode.OK, (await Send(ReviewApp.AnalystKey, HttpMethod.Get, $"/v1/webhooks/{webhook}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(ReviewApp.AnalystKey, HttpMethod.Get, "/v1/webhooks")).StatusCode);

        AssertNowhere([WebhookSecret, LlmKey, GuessedKey, ReviewApp.AnalystKey, ReviewApp.ReviewerKey, ReviewApp.OperatorKey, $"Data Source={app.DatabasePath}"],
            spans, logs, responses);
        Assert.Contains(logs.Messages, m => m.Contains("LLM judge", StringComparison.Ordinal));   // the failure itself was logged
    }

    [PostgresFact]
    public async Task ADatabasePasswordAppearsNowhereWhileTheDatabaseWorksNorWhenItCannotBeReached()
    {
        const string Password = "pg-canary-password-3c8e";
        using var spans = new SpanCollector();
        var logs = new LogCollector();
        var working = new NpgsqlConnectionStringBuilder(TestPostgres.NewDatabase()) { Password = Password }.ConnectionString;
        using (var app = new ReviewApp(settings: TestPostgres.Settings(working)))
        using (var withLogs = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs))))
        {
            var analyst = withLogs.WithKey(ReviewApp.AnalystKey);
            var review = await analyst.SubmitAndWaitForAsync(Fixtures.Text("joint-filing-agreement.txt"));
            Assert.Equal("completed", review.GetProperty("status").GetString());
        }
        Assert.Contains(spans, a => a.Source.Name == "Npgsql");   // the database's own spans were among those searched

        // Nothing listens on the port: startup fails on the migration, and says so without the password.
        var unreachable = new NpgsqlConnectionStringBuilder(working) { Port = FreePort(), Timeout = 2 }.ConnectionString;
        using var down = new ReviewApp(settings: TestPostgres.Settings(unreachable));
        using var downWithLogs = down.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        var failure = Record.Exception(() => downWithLogs.CreateClient());

        Assert.NotNull(failure);
        AssertNowhere([Password], spans, logs, [failure.ToString()]);
    }

    static void AssertNowhere(string[] secrets, IEnumerable<System.Diagnostics.Activity> spans, LogCollector logs, IEnumerable<string> responses)
    {
        var emitted = spans.SelectMany(a => a.Strings().Select(s => ($"span {a.Source.Name}/{a.OperationName}", s)))
            .Concat(logs.Messages.Select(m => ("log", m)))
            .Concat(logs.Scopes.Select(s => ("log scope", s)))
            .Concat(responses.Select(r => ("response", r)));
        var leaks = emitted.SelectMany(e => secrets.Where(s => e.Item2.Contains(s, StringComparison.Ordinal)).Select(s => $"{e.Item1}: {s}")).Distinct().ToList();
        Assert.True(leaks.Count == 0, "Secrets found in: " + string.Join("; ", leaks));
    }

    static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
