using System.Text.Json.Nodes;
using ReviewService.Tests.Judge;

namespace ReviewService.Tests.Eval;

/// <summary>
/// A scripted model that answers every check present, quoting its first passage, and puts different token counts in each
/// reply's <c>usage</c>, adding up what it sent so a test knows what the wire said. <c>failure</c> may replace the n-th reply (from 1).
/// </summary>
public sealed class CountingModel(Func<int, LlmCall, ScriptedReply?>? failure = null)
{
    int _calls;
    long _promptTokens;
    long _completionTokens;

    public long PromptTokens => Interlocked.Read(ref _promptTokens);
    public long CompletionTokens => Interlocked.Read(ref _completionTokens);

    public ScriptedReply Reply(LlmCall call)
    {
        var n = Interlocked.Increment(ref _calls);
        var reply = failure?.Invoke(n, call) ?? ScriptedReply.Answer(call, check => Verdict.Present(call.FirstPassage(check)));
        if (reply.Status != 200)
        {
            return reply;
        }
        var (prompt, completion) = (1000 + 7 * n, 50 + 3 * n);
        Interlocked.Add(ref _promptTokens, prompt);
        Interlocked.Add(ref _completionTokens, completion);
        var body = JsonNode.Parse(reply.Body!)!;
        body["usage"] = new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = completion, ["total_tokens"] = prompt + completion };
        return reply with { Body = body.ToJsonString() };
    }
}
