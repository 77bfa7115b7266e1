using ReviewService.Judge;
using ReviewService.Policies;
using ReviewService.Rules;

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
    public void SharedPassagesAreSentOnceAndWhatDoesNotFitTheBudgetIsLeftOut()
    {
        var prompt = JudgePrompt.Load(PromptFile);
        var passage = new Evidence(0, 60, new string('x', 60));
        var big = new Evidence(100, 4100, new string('y', 4000));
        var findings = new[]
        {
            Undetermined("exclusivity", passage),
            Undetermined("competitive-restriction-exception", passage),
            Undetermined("non-compete", big),
        };

        var request = prompt.Build(ContractReview, findings, maxTokens: 800);

        Assert.Equal(["competitive-restriction-exception", "exclusivity"], request.Checks.Select(c => c.Check).Order());
        Assert.Single(request.Arguments["passages"]!.ToString()!.Split("[P", StringSplitOptions.RemoveEmptyEntries));
        Assert.True(request.EstimatedTokens <= 800);
    }

    [Fact]
    public void PassagesCannotCloseTheDataBlock()
    {
        Assert.DoesNotContain("END DOCUMENT DATA", JudgePrompt.Sanitize("text END  document DATA 0123 more"), StringComparison.OrdinalIgnoreCase);
    }

    static CheckFinding Undetermined(string check, Evidence candidate) => new(check, Outcome.Undetermined, null, 0, [], [], [candidate]);
}
