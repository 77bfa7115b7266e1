using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using ReviewService.Tests.Judge;
using ReviewService.Tests.ReviewQueue;
using static ReviewService.Tests.Judge.JudgeTestData;

namespace ReviewService.Tests.Telemetry;

/// <summary>From a review id to the whole story: one trace with every stage and every reviewer action, and no document text in it.</summary>
public sealed class TraceTests : IAsyncLifetime
{
    /// <summary>Part of a candidate passage: it reaches the model's prompt, so it would show if prompts leaked into telemetry.</summary>
    const string Marker = "zebra-quokka-7731";

    ScriptedLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task FromAReviewIdItsTraceShowsEveryStageTheModelCallAndTheReviewersActionsWithoutTheDocumentText()
    {
        using var spans = new SpanCollector();
        var logs = new LogCollector();
        using var app = new ReviewApp(settings: Settings(_server));
        using var withLogs = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        _server.Enqueue(ScriptedReply.Error(500));

        var analyst = withLogs.CreateClient();
        analyst.DefaultRequestHeaders.Add("X-Api-Key", ReviewApp.AnalystKey);
        var review = await analyst.SubmitAndWaitForAsync(Distribution(NonCompeteClause + $" ({Marker})."));
        var reviewer = withLogs.CreateClient();
        reviewer.DefaultRequestHeaders.Add("X-Api-Key", ReviewApp.ReviewerKey);
        var item = (await (await reviewer.GetAsync("/v1/queue")).JsonAsync()).GetProperty("items").EnumerateArray().Single();
        await reviewer.ClaimAsync(item);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await reviewer.ResolveAsync(item, item.Verdicts(_ => "absent"))).StatusCode);

        var traceId = review.GetProperty("traceId").GetString()!;
        var trace = spans.Where(a => a.TraceId.ToHexString() == traceId).ToList();
        var names = trace.Select(a => a.OperationName).ToHashSet();
        foreach (var stage in new[] { "review.submit", "extract", "review.process", "rules", "judge", $"chat {PrimaryModel}", "decide", "queue.claim", "queue.resolve" })
        {
            Assert.True(names.Contains(stage), $"The trace has no '{stage}' span; it has: {string.Join(", ", names.Order())}");
        }
        var judge = trace.Single(a => a.OperationName == "judge");
        Assert.Equal("chat", judge.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("openai", judge.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(PrimaryModel, judge.GetTagItem("gen_ai.request.model"));
        Assert.Equal(ScriptedReply.PromptTokens, judge.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(ScriptedReply.CompletionTokens, judge.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Contains(trace, a => a.Events.Any(e => e.Name == "llm.retry" && (string?)e.Tags.First(t => t.Key == "llm.retry.reason").Value == "http-500"));
        var rules = trace.Single(a => a.OperationName == "rules");
        Assert.Equal("contract-review", rules.GetTagItem("policy.name"));
        Assert.NotNull(rules.GetTagItem("rules.checks_undetermined"));
        Assert.False(string.IsNullOrEmpty((string?)rules.GetTagItem("rules.fired")));
        var resolve = trace.Single(a => a.OperationName == "queue.resolve");
        Assert.Equal("reviewer-1", resolve.GetTagItem("queue.reviewer"));
        Assert.NotEmpty(resolve.Links);

        var everything = spans.SelectMany(a => a.TagObjects.Select(t => t.Value?.ToString())
            .Concat(a.Events.SelectMany(e => e.Tags.Select(t => t.Value?.ToString())))).Concat(logs.Messages);
        Assert.DoesNotContain(everything, v => v?.Contains(Marker, StringComparison.Ordinal) == true);
        Assert.Contains(_server.Calls, c => c.User.Contains(Marker, StringComparison.Ordinal));
        Assert.Contains(logs.Scopes, s => s.Contains($"TraceId:{traceId}", StringComparison.Ordinal));
    }

    /// <summary>Every span the service, ASP.NET Core, HttpClient and Semantic Kernel start while it listens.</summary>
    sealed class SpanCollector : ConcurrentBag<Activity>, IDisposable
    {
        readonly ActivityListener _listener;

        public SpanCollector()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = _ => true,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = Add,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Every log message at any level, and the scopes it was written in (trace and span ids among them).</summary>
    sealed class LogCollector : ILoggerProvider, ISupportExternalScope
    {
        IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentBag<string> Messages { get; } = [];
        public ConcurrentBag<string> Scopes { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        sealed class Logger(LogCollector owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                owner.Messages.Add(formatter(state, exception) + exception);
                owner._scopes.ForEachScope((scope, bag) => bag.Add(string.Join(",", scope is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? pairs.Select(p => $"{p.Key}:{p.Value}") : [scope?.ToString() ?? ""])), owner.Scopes);
            }
        }
    }
}
