using ReviewService.Decisions;
using ReviewService.Policies;

namespace ReviewService.Tests.Decisions;

/// <summary>The shipped contract-review decision table.</summary>
public sealed class DecisionTableTests
{
    static readonly PolicyDefinition Policy = PolicyLoader.LoadAll(Fixtures.RulesDirectory).Find("contract-review")!.Definition;

    /// <summary>A clean contract: every clause the policy requires (its absence is flagged) is present, every other one absent.</summary>
    static List<CheckFinding> AllAbsentExcept(params (string Check, Outcome Outcome)[] overrides) => [.. Policy.Checks.Select(c =>
    {
        var required = Policy.Decision.Rules.Any(r => r.Check == c.Name && r.Outcome == Outcome.Absent);
        var outcome = overrides.FirstOrDefault(o => o.Check == c.Name) is { Check: not null } o ? o.Outcome
            : required ? Outcome.Present : Outcome.Absent;
        return new CheckFinding(c.Name, outcome, outcome == Outcome.Undetermined ? null : DecidedBy.Rules, 0.9, [], [], []);
    })];

    [Fact]
    public void CleanContractIsApproved()
    {
        var decision = DecisionTable.Decide(Policy, AllAbsentExcept());

        Assert.Equal("approved", decision.Outcome);
        Assert.Empty(decision.Reasons);
        Assert.False(decision.Provisional);
    }

    [Fact]
    public void UncappedLiabilityIsRejectedAndOutranksFlags()
    {
        var decision = DecisionTable.Decide(Policy, AllAbsentExcept(("uncapped-liability", Outcome.Present), ("non-compete", Outcome.Present)));

        Assert.Equal("rejected", decision.Outcome);
        Assert.Equal("uncapped-liability", decision.Reasons[0].Check);
        Assert.Contains(decision.Reasons, r => r.Check == "non-compete" && r.Decision == "flagged");
    }

    [Theory]
    [InlineData("non-compete", Outcome.Present)]
    [InlineData("exclusivity", Outcome.Present)]
    [InlineData("most-favored-nation", Outcome.Present)]
    [InlineData("change-of-control", Outcome.Present)]
    [InlineData("governing-law", Outcome.Absent)]
    public void RestrictiveClausesAndMissingGoverningLawAreFlagged(string check, Outcome outcome)
    {
        var decision = DecisionTable.Decide(Policy, AllAbsentExcept((check, outcome)));

        Assert.Equal("flagged", decision.Outcome);
        Assert.Contains(decision.Reasons, r => r.Check == check && r.Reason.Length > 10);
    }

    [Fact]
    public void UndeterminedChecksMakeTheDecisionProvisional()
    {
        var decision = DecisionTable.Decide(Policy, AllAbsentExcept(("uncapped-liability", Outcome.Undetermined)));

        Assert.True(decision.Provisional);
        Assert.Equal(["uncapped-liability"], decision.Undetermined);
    }
}
