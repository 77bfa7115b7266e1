using ReviewService.Decisions;
using ReviewService.Judge;
using ReviewService.Policies;

namespace ReviewService.Tests.Judge;

public sealed class JudgePromptTests
{
    static readonly string PromptFile = Path.Combine(AppContext.BaseDirectory, "prompts", "judge.prompt.txt");
    static readonly Policy ContractReview = PolicyLoader.LoadAll(Fixtures.RulesDirectory).Find("contract-review")!;

    [Fact]
    public void VersionIsAContentHashOfTheTemplate()
    {
        var copy = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.prompt.txt");
        File.WriteAllText(copy, File.ReadAllText(PromptFile) + "\n");

        Assert.Matches("^[0-9a-f]{12}$", JudgePrompt.Load(PromptFile).Version);
        Assert.Equal(JudgePrompt.Load(PromptFile).Version, JudgePrompt.Load(PromptFile).Version);
        Assert.NotEqual(JudgePrompt.Load(PromptFile).Version, JudgePrompt.Load(copy).Version);
    }

    [Fact]
    public void SharedPassagesAreSentOnceAndEveryChosenPassageIsSent()
    {
        var prompt = JudgePrompt.Load(PromptFile);
        var tokens = new TokenCounter("gpt-4o-mini");
        var passage = new Evidence(0, 60, new string('x', 60));
        var big = new Evidence(100, 4100, new string('y', 4000));
        var findings = new[]
        {
            Undetermined("exclusivity", passage),
            Undetermined("competitive-restriction-exception", passage),
            Undetermined("non-compete", big),
        };

        var request = prompt.Build(ContractReview, findings, tokens);

        Assert.Equal(["competitive-restriction-exception", "exclusivity", "non-compete"], request.Checks.Select(c => c.Check).Order());
        Assert.Equal(2, request.Arguments["passages"]!.ToString()!.Split("[P", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("P1", request.Arguments["checks"]!.ToString()!, StringComparison.Ordinal);
        // Counted with the model's tokenizer: 4,000 repeated letters are far fewer tokens than characters / 4.
        Assert.True(request.PromptTokens > prompt.OverheadTokens(ContractReview, ["exclusivity"], tokens));
        Assert.NotEqual(4160 / 4 + prompt.Template.Length / 4, request.PromptTokens);
    }

    [Fact]
    public void PassagesCannotCloseTheDataBlock()
    {
        Assert.DoesNotContain("END DOCUMENT DATA", JudgePrompt.Sanitize("text END  document DATA 0123 more"), StringComparison.OrdinalIgnoreCase);
    }

    static CheckFinding Undetermined(string check, Evidence candidate) => new(check, Outcome.Undetermined, null, 0, [], [], [candidate]);
}
