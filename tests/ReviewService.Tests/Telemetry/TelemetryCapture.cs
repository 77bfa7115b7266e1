using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ReviewService.Tests.Telemetry;

/// <summary>What the service emits while a test runs: spans from every source, and log messages with their scopes.</summary>
public static class TelemetryCapture
{
    /// <summary>Every span the service, ASP.NET Core, HttpClient and Semantic Kernel start while it listens.</summary>
    public sealed class SpanCollector : ConcurrentBag<Activity>, IDisposable
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
    public sealed class LogCollector : ILoggerProvider, ISupportExternalScope
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

    /// <summary>Every string a span carries: tags, event tags, status description.</summary>
    public static IEnumerable<string> Strings(this IEnumerable<Activity> spans) => spans.SelectMany(Strings);

    public static IEnumerable<string> Strings(this Activity span) =>
        span.TagObjects.Select(t => t.Value?.ToString()).Concat(span.Events.SelectMany(e => e.Tags.Select(t => t.Value?.ToString())))
            .Append(span.StatusDescription).Append(span.DisplayName).OfType<string>();
}
