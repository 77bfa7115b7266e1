using System.Text.Json;
using ReviewService.Decisions;
using ReviewService.Judge;

namespace ReviewService.Tests.Judge;

public sealed class JudgeReplyTests
{
    static readonly HashSet<string> Asked = ["non-compete", "exclusivity"];

    [Fact]
    public void SchemaIsStrictAndNamesOnlyTheChecksAsked()
    {
        var schema = JsonDocument.Parse(JudgeReply.Schema(Asked).ToString()).RootElement;
        var verdict = schema.GetProperty("properties").GetProperty("verdicts").GetProperty("items");

        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.False(verdict.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["check", "outcome", "confidence", "evidence", "rationale"], verdict.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Asked.Order(), verdict.GetProperty("properties").GetProperty("check").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).Order());
    }

    [Fact]
    public void ValidReplyIsParsedEvenInAMarkdownFence()
    {
        var (verdicts, error) = JudgeReply.Parse("""
            ```json
            {"verdicts":[{"check":"non-compete","outcome":"absent","confidence":0.9,"evidence":"e","rationale":"r"}]}
            ```
            """, Asked);

        Assert.Null(error);
        Assert.Equal(new RawVerdict("non-compete", Outcome.Absent, 0.9, "e", "r"), Assert.Single(verdicts));
    }

    [Theory]
    [InlineData("""{"verdicts":[{"check":"audit-rights","outcome":"absent","confidence":0.9,"evidence":"e","rationale":"r"}]}""", "no check that was asked")]
    [InlineData("""{"verdicts":[{"check":"non-compete","outcome":"absent","confidence":-1,"evidence":"e","rationale":"r"}]}""", "confidence")]
    [InlineData("""{"verdicts":[{"check":"non-compete","outcome":"absent","confidence":"high","evidence":"e","rationale":"r"}]}""", "confidence")]
    [InlineData("""{"verdicts":[{"check":"non-compete","outcome":"absent","confidence":0.9,"evidence":"e","rationale":"r","extra":1}]}""", "unknown field")]
    [InlineData("""{"verdicts":[{"check":"non-compete","outcome":"absent","confidence":0.9,"evidence":"e","rationale":"r"},{"check":"non-compete","outcome":"absent","confidence":0.9,"evidence":"e","rationale":"r"}]}""", "twice")]
    [InlineData("""[1, 2]""", "verdicts")]
    [InlineData("""{"verdicts": [""", "not JSON")]
    public void ReplyBreakingTheSchemaIsRefusedWithTheReason(string content, string reason)
    {
        var (verdicts, error) = JudgeReply.Parse(content, Asked);

        Assert.Empty(verdicts);
        Assert.Contains(reason, error);
    }
}
