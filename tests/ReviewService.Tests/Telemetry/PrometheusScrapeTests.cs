using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ReviewService.Tests.Judge;
using ReviewService.Tests.ReviewQueue;
using ReviewService.Tests.Webhooks;
using static ReviewService.Tests.Judge.JudgeTestData;

namespace ReviewService.Tests.Telemetry;

/// <summary>
/// A real Prometheus (Debian's package; .ci/run installs it) scrapes the running service after a day's worth of events in
/// miniature: every metric the alert rules and the dashboard use must exist, and every rule must evaluate.
/// </summary>
public sealed partial class PrometheusScrapeTests : IAsyncLifetime
{
    const string PrometheusBinary = "/usr/bin/prometheus";

    ScriptedLlmServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedLlmServer.StartAsync();
        // The primary model is down: retries, a fallback and an open circuit; the fallback answers.
        _server.Behaviour = call => call.Model == PrimaryModel ? ScriptedReply.Error(503)
            : ScriptedReply.Answer(call, check => Verdict.Present(call.FirstPassage(check)));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EveryMetricTheAlertsAndTheDashboardUseIsScrapedAndEveryRuleEvaluates()
    {
        Assert.True(File.Exists(PrometheusBinary), $"{PrometheusBinary} is missing: install Debian's prometheus package (.ci/run does).");
        // Without a target the joint filing agreement is decided by the rules alone and sampled for QA, which feeds the agreement metric.
        using var app = new ReviewApp(settings: Fixtures.WithoutTarget(Settings(_server,
            ("Llm:Fallback:Model", FallbackModel), ("Llm:MaxRetries", "1"), ("Llm:CircuitBreaker:MinimumThroughput", "2"),
            ("Llm:CircuitBreaker:FailureRatio", "0.5"), ("Llm:CircuitBreaker:BreakSeconds", "60"), ("Llm:DailyTokenBudget", "100"),
            ("Queue:QaSampleRate", "1"), ("Queue:BacklogPollSeconds", "0.5"), ("Webhooks:AllowPrivateNetworks", "true"))));
        app.UseKestrel(0);
        app.StartServer();
        var service = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var analyst = app.Analyst();
        await using var receiver = await WebhookReceiver.StartedAsync();
        var (webhook, _) = await analyst.SubscribeAsync(receiver.Url, WebhookRequests.ReviewFinished); // webhook deliveries
        await analyst.SubmitAndWaitForAsync(Distribution());   // primary fails, fallback answers, tokens spent
        await analyst.SubmitAndWaitForAsync(Distribution());   // the token budget is spent: degraded
        await analyst.SubmitAsync(new { policy = "contract-review" }); // refused: no document
        var (_, item) = await app.SubmitAndFindItemAsync(Fixtures.Text("joint-filing-agreement.txt"));
        var reviewer = app.WithKey(ReviewApp.ReviewerKey);
        await reviewer.ClaimAsync(item);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.ResolveAsync(item, item.Verdicts(_ => "absent"))).StatusCode);

        await receiver.NextAsync();
        await analyst.WaitForDeliveriesAsync(webhook, d => d.Any(x => x.Status() == "delivered"));
        await using var prometheus = await PrometheusProcess.StartAsync(service);
        var scraped = await prometheus.WaitForMetricAsync("reviews_queue_resolved_total");
        var used = UsedMetrics();
        Assert.NotEmpty(used);
        var missing = used.Where(m => !scraped.Contains(m)).Order().ToList();
        Assert.True(missing.Count == 0, $"Used by alerts or dashboard but not exported: {string.Join(", ", missing)}");

        var rules = await prometheus.WaitForRulesAsync();
        Assert.Equal(CountAlerts(), rules.Count);
        Assert.All(rules, r => Assert.True(r.Health == "ok", $"Rule {r.Name}: {r.Health} {r.Error}"));
    }

    /// <summary>Metric names in the alert expressions and the dashboard queries.</summary>
    static HashSet<string> UsedMetrics()
    {
        var alerts = File.ReadAllText(Deploy("prometheus", "alerts.yml"));
        var dashboard = JsonDocument.Parse(File.ReadAllText(Deploy("grafana", "dashboards", "reviewservice.json"))).RootElement;
        var queries = dashboard.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!);
        var expressions = alerts.Split('\n').Where(l => !l.TrimStart().StartsWith('#')).Concat(queries);
        return expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).ToHashSet();
    }

    static int CountAlerts() => File.ReadAllLines(Deploy("prometheus", "alerts.yml")).Count(l => l.TrimStart().StartsWith("- alert:", StringComparison.Ordinal));

    static string Deploy(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "deploy", .. parts]);

    [GeneratedRegex(@"\b(?:reviews|http_server)_[a-z_]+\b")]
    private static partial Regex MetricName();

    sealed record RuleState(string Name, string Health, string? Error);

    /// <summary>A Prometheus server on a free loopback port, scraping the service every second and loading the alert rules.</summary>
    sealed class PrometheusProcess : IAsyncDisposable
    {
        readonly Process _process;
        readonly string _folder;
        readonly HttpClient _http;

        PrometheusProcess(Process process, string folder, Uri api) => (_process, _folder, _http) = (process, folder, new HttpClient { BaseAddress = api });

        public static async Task<PrometheusProcess> StartAsync(Uri target)
        {
            var folder = Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"prometheus-{Guid.NewGuid():N}");
            Directory.CreateDirectory(folder);
            File.Copy(Deploy("prometheus", "alerts.yml"), Path.Combine(folder, "alerts.yml"));
            await File.WriteAllTextAsync(Path.Combine(folder, "prometheus.yml"), $"""
                global: {"{"} scrape_interval: 1s, evaluation_interval: 1s {"}"}
                rule_files: [alerts.yml]
                scrape_configs:
                  - job_name: reviewservice
                    authorization: {"{"} type: ApiKey, credentials: {ReviewApp.OperatorKey} {"}"}
                    static_configs: [{"{"} targets: ["{target.Authority}"] {"}"}]
                """);
            var port = FreePort();
            var process = Process.Start(new ProcessStartInfo(PrometheusBinary,
                [$"--config.file={Path.Combine(folder, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
                 $"--web.listen-address=127.0.0.1:{port}"])
            { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var prometheus = new PrometheusProcess(process, folder, new Uri($"http://127.0.0.1:{port}/"));
            await prometheus.UntilAsync(async () => (await prometheus._http.GetAsync("-/ready")).IsSuccessStatusCode);
            return prometheus;
        }

        public async Task<IReadOnlySet<string>> WaitForMetricAsync(string metric)
        {
            var names = new HashSet<string>();
            await UntilAsync(async () =>
            {
                var json = JsonDocument.Parse(await _http.GetStringAsync("api/v1/label/__name__/values")).RootElement;
                names = json.GetProperty("data").EnumerateArray().Select(n => n.GetString()!).ToHashSet();
                return names.Contains(metric);
            });
            return names;
        }

        public async Task<IReadOnlyList<RuleState>> WaitForRulesAsync()
        {
            IReadOnlyList<RuleState> rules = [];
            await UntilAsync(async () =>
            {
                var json = JsonDocument.Parse(await _http.GetStringAsync("api/v1/rules")).RootElement;
                rules = [.. json.GetProperty("data").GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray())
                    .Select(r => new RuleState(r.GetProperty("name").GetString()!, r.GetProperty("health").GetString()!,
                        r.TryGetProperty("lastError", out var e) ? e.GetString() : null))];
                return rules.Count > 0 && rules.All(r => r.Health != "unknown");
            });
            return rules;
        }

        async Task UntilAsync(Func<Task<bool>> condition)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                Assert.False(_process.HasExited, $"Prometheus exited with code {(_process.HasExited ? _process.ExitCode : 0)}.");
                try
                {
                    if (await condition())
                    {
                        return;
                    }
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                }
                Assert.True(DateTime.UtcNow < deadline, "Prometheus did not get there within 60 s.");
                await Task.Delay(250);
            }
        }

        static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
