using System.Text.Json;
using System.Text.Json.Nodes;
using ReviewService.Decisions;

namespace ReviewService.Judge;

/// <summary>One verdict as the model wrote it, before grounding.</summary>
public sealed record RawVerdict(string Check, Outcome Outcome, double Confidence, string Evidence, string Rationale);

/// <summary>The reply contract: the JSON schema sent as <c>response_format</c>, and strict validation of what comes back.</summary>
public static class JudgeReply
{
    public const string SchemaName = "judge_verdicts";
    static readonly string[] Fields = ["check", "outcome", "confidence", "evidence", "rationale"];

    /// <summary>A strict schema (every field required, no others) whose <c>check</c> is one of the checks sent.</summary>
    public static BinaryData Schema(IEnumerable<string> checks)
    {
        var verdict = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["check"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. checks.Select(c => JsonValue.Create(c))]) },
                ["outcome"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("present", "absent", "undetermined") },
                ["confidence"] = new JsonObject { ["type"] = "number" },
                ["evidence"] = new JsonObject { ["type"] = "string" },
                ["rationale"] = new JsonObject { ["type"] = "string" },
            },
            ["required"] = new JsonArray([.. Fields.Select(f => JsonValue.Create(f))]),
            ["additionalProperties"] = false,
        };
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["verdicts"] = new JsonObject { ["type"] = "array", ["items"] = verdict } },
            ["required"] = new JsonArray("verdicts"),
            ["additionalProperties"] = false,
        };
        return BinaryData.FromString(schema.ToJsonString());
    }

    /// <summary>The verdicts, or why the reply breaks the contract (then none of it is used).</summary>
    public static (IReadOnlyList<RawVerdict> Verdicts, string? Error) Parse(string content, IReadOnlySet<string> checks)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(StripCodeFence(content)).RootElement;
        }
        catch (JsonException e)
        {
            return ([], $"the reply is not JSON ({e.Message})");
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("verdicts", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return ([], "the reply has no 'verdicts' array");
        }
        var verdicts = new List<RawVerdict>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return ([], "a verdict is not an object");
            }
            var extra = item.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !Fields.Contains(n));
            if (extra is not null)
            {
                return ([], $"a verdict has the unknown field '{extra}'");
            }
            if (!(String(item, "check") is { } check && checks.Contains(check)))
            {
                return ([], "a verdict names no check that was asked");
            }
            if (verdicts.Any(v => v.Check == check))
            {
                return ([], $"check '{check}' is answered twice");
            }
            Outcome? outcome = String(item, "outcome") switch { "present" => Outcome.Present, "absent" => Outcome.Absent, "undetermined" => Outcome.Undetermined, _ => null };
            if (outcome is null)
            {
                return ([], $"check '{check}': outcome must be present, absent or undetermined");
            }
            if (!item.TryGetProperty("confidence", out var c) || c.ValueKind != JsonValueKind.Number || c.GetDouble() is < 0 or > 1 or double.NaN)
            {
                return ([], $"check '{check}': confidence must be a number from 0 to 1");
            }
            if (String(item, "evidence") is not { } evidence || String(item, "rationale") is not { } rationale)
            {
                return ([], $"check '{check}': evidence and rationale must be strings");
            }
            verdicts.Add(new RawVerdict(check, outcome.Value, c.GetDouble(), evidence, rationale));
        }
        return (verdicts, null);
    }

    static string? String(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // Some OpenAI-compatible servers wrap JSON in a Markdown fence even when asked for a schema.
    static string StripCodeFence(string content)
    {
        var text = content.Trim();
        if (!text.StartsWith("```", StringComparison.Ordinal))
        {
            return text;
        }
        var firstLine = text.IndexOf('\n');
        var end = text.LastIndexOf("```", StringComparison.Ordinal);
        return firstLine > 0 && end > firstLine ? text[(firstLine + 1)..end] : text;
    }
}
