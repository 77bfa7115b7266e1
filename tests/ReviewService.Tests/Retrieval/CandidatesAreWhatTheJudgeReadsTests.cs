using ReviewService.Tests.Judge;
using static ReviewService.Tests.Judge.JudgeTestData;

namespace ReviewService.Tests.Retrieval;

/// <summary>Through the API, against the scripted model: a finding's candidates are exactly the passages listed for its check in the judge's prompt.</summary>
public sealed class CandidatesAreWhatTheJudgeReadsTests : IAsyncLifetime
{
    ScriptedLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EachUndeterminedFindingsCandidatesAreThePassagesListedForItsCheckInTheOneCall()
    {
        _server.Behaviour = call => ScriptedReply.Answer(call, _ => new Verdict("undetermined", 0.2, ""));
        using var app = new ReviewApp(settings: Settings(_server));
        var text = File.ReadAllText(Directory.GetFiles(Path.Combine(Fixtures.EvalData, "contracts"), "LUCID*.txt").Single());

        var review = await app.Analyst().SubmitAndWaitAsync(text);

        var call = Assert.Single(_server.Calls);
        Assert.NotEmpty(call.Checks);
        foreach (var check in call.Checks)
        {
            var candidates = review.Finding(check).GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("text").GetString()!).ToList();
            Assert.Equal(candidates, call.Passages(check));
            Assert.All(candidates, c => Assert.Equal(c, text[text.IndexOf(c, StringComparison.Ordinal)..][..c.Length]));
        }
        // The document itself is not sent: only passages, each once.
        Assert.True(call.User.Length < text.Length);
        var blocks = call.User.Split("\n[P").Length - 1;
        Assert.Equal(call.Checks.SelectMany(call.Passages).Distinct().Count(), blocks);
    }
}
