using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ReviewService.Tests.Judge;

/// <summary>
/// An OpenAI-compatible chat completions server on 127.0.0.1 that answers from a script, so the real Semantic Kernel connector,
/// HTTP resilience pipeline and reply parsing run in tests. Serves the OpenAI path <c>/v1/chat/completions</c> and the Azure
/// path <c>/openai/deployments/{deployment}/chat/completions</c>, and records every request.
/// </summary>
public sealed class ScriptedLlmServer : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentQueue<ScriptedReply> _next = new();
    readonly SemaphoreSlim _received = new(0);

    ScriptedLlmServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;
    /// <summary>The OpenAI-compatible base URL, as <c>Llm:Endpoint</c> takes it.</summary>
    public string OpenAIEndpoint => new Uri(BaseAddress, "v1").ToString();
    public ConcurrentQueue<LlmCall> Calls { get; } = new();
    /// <summary>How the server answers when nothing is queued; by default, an honest model that quotes each check's first passage.</summary>
    public Func<LlmCall, ScriptedReply> Behaviour { get; set; } = call => ScriptedReply.Answer(call, _ => Verdict.Present(call.FirstPassage(_)));

    public IReadOnlyList<LlmCall> CallsTo(string model) => [.. Calls.Where(c => c.Model == model)];

    /// <summary>Completes when the next call not yet waited for has arrived: the service is asking the model now.</summary>
    public async Task NextCallAsync()
    {
        // A bound for a broken service, not a wait the test relies on.
        if (!await _received.WaitAsync(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException("No call reached the scripted model within 60 s.");
        }
    }

    /// <summary>Replies used once each, in order, before <see cref="Behaviour"/>.</summary>
    public void Enqueue(params ScriptedReply[] replies)
    {
        foreach (var reply in replies)
        {
            _next.Enqueue(reply);
        }
    }

    public static async Task<ScriptedLlmServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ScriptedLlmServer(app);
        app.MapPost("/v1/chat/completions", (HttpContext context) => server.HandleAsync(context, deployment: null));
        app.MapPost("/openai/deployments/{deployment}/chat/completions", (HttpContext context, string deployment) => server.HandleAsync(context, deployment));
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    async Task HandleAsync(HttpContext context, string? deployment)
    {
        var body = JsonDocument.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()).RootElement.Clone();
        var call = new LlmCall(context.Request.Path, deployment ?? (body.TryGetProperty("model", out var m) ? m.GetString()! : ""), body,
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), DateTimeOffset.UtcNow);
        Calls.Enqueue(call);
        _received.Release();
        var reply = _next.TryDequeue(out var queued) ? queued : Behaviour(call);
        try
        {
            await Task.Delay(reply.Delay, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }
        if (reply.Body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(reply.Body);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _received.Dispose();
    }
}

/// <summary>One recorded request.</summary>
public sealed record LlmCall(string Path, string Model, JsonElement Body, IReadOnlyDictionary<string, string> Headers, DateTimeOffset At)
{
    public IReadOnlyList<(string Role, string Content)> Messages => [.. Body.GetProperty("messages").EnumerateArray()
        .Select(m => (m.GetProperty("role").GetString()!, Content(m.GetProperty("content"))))];

    public string System => string.Join("\n", Messages.Where(m => m.Role == "system").Select(m => m.Content));
    public string User => string.Join("\n", Messages.Where(m => m.Role == "user").Select(m => m.Content));
    public string AllText => string.Join("\n", Messages.Select(m => m.Content));

    public JsonElement ResponseFormat => Body.GetProperty("response_format");

    /// <summary>The checks asked, read from the reply schema's <c>check</c> enum.</summary>
    public IReadOnlyList<string> Checks => [.. ResponseFormat.GetProperty("json_schema").GetProperty("schema").GetProperty("properties")
        .GetProperty("verdicts").GetProperty("items").GetProperty("properties").GetProperty("check").GetProperty("enum")
        .EnumerateArray().Select(e => e.GetString()!)];

    /// <summary>The passages listed for <paramref name="check"/>, in the prompt's order, as a model reading the prompt finds them.</summary>
    public IReadOnlyList<string> Passages(string check)
    {
        var line = User.Split('\n').SkipWhile(l => l.Trim() != $"- check: {check}").First(l => l.TrimStart().StartsWith("passages:", StringComparison.Ordinal));
        return [.. line.Split(':')[1].Split(',').Select(id => id.Trim()).Select(id =>
        {
            var start = User.IndexOf($"[{id}]\n", StringComparison.Ordinal) + id.Length + 3;
            var end = new[] { User.IndexOf("\n\n[P", start, StringComparison.Ordinal), User.IndexOf("\nEND DOCUMENT DATA", start, StringComparison.Ordinal) }
                .Where(i => i >= 0).DefaultIfEmpty(User.Length).Min();
            return User[start..end].Trim();
        })];
    }

    /// <summary>The first paragraph of the first passage listed for <paramref name="check"/>: a sentence a model would quote.</summary>
    public string FirstPassage(string check)
    {
        var passage = Passages(check)[0];
        var blank = passage.IndexOf("\n\n", StringComparison.Ordinal);
        return (blank < 0 ? passage : passage[..blank]).Trim();
    }

    static string Content(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString()!
        : string.Join("", content.EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : ""));
}

/// <summary>A model's answer for one check.</summary>
public sealed record Verdict(string Outcome, double Confidence, string Evidence, string Rationale = "Scripted.")
{
    public static Verdict Present(string evidence, double confidence = 0.95) => new("present", confidence, evidence);
    public static Verdict Absent(string evidence, double confidence = 0.95) => new("absent", confidence, evidence);
}

/// <summary>What the server sends back: status, headers, body, after a delay.</summary>
public sealed record ScriptedReply(int Status, string? Body, TimeSpan Delay = default, IReadOnlyDictionary<string, string>? Headers = null)
{
    public const int PromptTokens = 120;
    public const int CompletionTokens = 40;

    /// <summary>A 200 chat completion whose content is the verdicts for every check asked.</summary>
    public static ScriptedReply Answer(LlmCall call, Func<string, Verdict> verdict) =>
        Content(call, new JsonObject
        {
            ["verdicts"] = new JsonArray([.. call.Checks.Select(check => (JsonNode)new JsonObject
            {
                ["check"] = check,
                ["outcome"] = verdict(check).Outcome,
                ["confidence"] = verdict(check).Confidence,
                ["evidence"] = verdict(check).Evidence,
                ["rationale"] = verdict(check).Rationale,
            })]),
        }.ToJsonString());

    /// <summary>A 200 chat completion with <paramref name="content"/> as the assistant's message.</summary>
    public static ScriptedReply Content(LlmCall call, string content) => new(200, new JsonObject
    {
        ["id"] = "chatcmpl-scripted",
        ["object"] = "chat.completion",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = call.Model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = PromptTokens, ["completion_tokens"] = CompletionTokens, ["total_tokens"] = PromptTokens + CompletionTokens },
    }.ToJsonString());

    public static ScriptedReply Error(int status, int? retryAfterSeconds = null) => new(status,
        new JsonObject { ["error"] = new JsonObject { ["message"] = $"scripted {status}", ["type"] = "server_error" } }.ToJsonString(),
        Headers: retryAfterSeconds is { } s ? new Dictionary<string, string> { ["Retry-After"] = s.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null);

    public static ScriptedReply Hang(TimeSpan delay) => new(200, "{}", delay);
}
