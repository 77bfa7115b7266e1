using System.Text.Json.Nodes;
using ReviewService.Decisions;
using ReviewService.Policies;
using ReviewService.Retrieval;
using ReviewService.Rules;
using ReviewService.Tests.Judge;
using ReviewService.Tests.ReviewQueue;
using QueueReasons = ReviewService.ReviewQueue.QueueReasons;

namespace ReviewService.Tests.Decisions;

/// <summary>
/// The policy's target accuracy: rules decisions measured under it are held, then verified by the judge in the review's one
/// call (against the scripted OpenAI-compatible server) or sent to a reviewer with the rule's answer.
/// </summary>
public sealed class VerificationTests : IAsyncLifetime
{
    const string GoverningLawRule = "GL-1 choice-of-law sentence";
    const string DelawareClause = "This Agreement shall be governed by the laws of the State of Delaware.";
    readonly string _rules = Path.Combine(Path.GetTempPath(), "reviewservice-targets", Guid.NewGuid().ToString("N"));
    ScriptedLlmServer _llm = null!;

    public async Task InitializeAsync() => _llm = await ScriptedLlmServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _llm.DisposeAsync();
        if (Directory.Exists(_rules))
        {
            Directory.Delete(_rules, recursive: true);
        }
    }

    /// <summary>The shipped contract-review policy with <paramref name="target"/> as its <c>targetAccuracy</c>.</summary>
    Policy WithTarget(JsonObject target)
    {
        var copy = Fixtures.CopyOfPolicy(_rules);
        Fixtures.EditJson(copy, PolicyLoader.PolicyFile, json => json["targetAccuracy"] = target);
        return PolicyLoader.Load(copy);
    }

    static JsonObject Target(double overall, string? severity = null, double bySeverity = 0) => severity is null
        ? new JsonObject { ["overall"] = overall }
        : new JsonObject { ["overall"] = overall, ["bySeverity"] = new JsonObject { [severity] = bySeverity } };

    [Fact]
    public async Task ARulesDecisionMeasuredUnderItsChecksTargetIsHeldWithTheRulesAnswerItsPrecisionAndItsClause()
    {
        var text = JudgeTestData.Distribution();
        // Governing law is a medium check; its rule is measured right on 122 of 123 labelled contracts (0.985).
        var policy = WithTarget(Target(0.5, "medium", 0.99));
        var findings = Clauses.Widen(text, await RulesEvaluator.EvaluateAsync(policy, text));
        var decided = findings.Single(f => f.Check == "governing-law");
        Assert.Equal(DecidedBy.Rules, decided.DecidedBy);

        var held = Verification.Hold(policy, findings);

        var law = held.Single(f => f.Check == "governing-law");
        Assert.Equal(Outcome.Undetermined, law.Outcome);
        Assert.Null(law.DecidedBy);
        Assert.Empty(law.Evidence);
        var proposal = Assert.IsType<Proposal>(law.Proposal);
        Assert.Equal((GoverningLawRule, Outcome.Present, decided.Confidence, 0.99), (proposal.Rule, proposal.Outcome, proposal.Confidence, proposal.Target));
        var measured = policy.Calibration!.Rules[GoverningLawRule];
        Assert.Equal((measured.Decided, measured.Correct), (proposal.Decided!.Value, proposal.Correct!.Value));
        Assert.Equal(decided.Evidence, proposal.Evidence);
        Assert.Contains(DelawareClause, proposal.Evidence[0].Text, StringComparison.Ordinal);
        Assert.Equal(decided.Evidence[0], law.Candidates[0]);
        Assert.Contains("under the policy's target accuracy of 0.99", law.Note, StringComparison.Ordinal);
        // Checks of other severities keep the overall target, which every one of their decisions reaches here.
        Assert.All(held.Where(f => policy.Checks[f.Check].Severity != "medium"), f => Assert.Equal(findings.Single(x => x.Check == f.Check), f));
    }

    [Fact]
    public async Task WithoutATargetOrAboveItEveryRulesDecisionIsFinal()
    {
        var text = JudgeTestData.Distribution();
        var untargeted = Fixtures.CopyOfPolicy(Path.Combine(_rules, "untargeted"));
        Fixtures.EditJson(untargeted, PolicyLoader.PolicyFile, json => json.AsObject().Remove("targetAccuracy"));
        var lenient = WithTarget(Target(0.01));
        var findings = await RulesEvaluator.EvaluateAsync(lenient, text);
        Assert.Contains(findings, f => f.DecidedBy == DecidedBy.Rules);

        Assert.Same(findings, Verification.Hold(PolicyLoader.Load(untargeted), findings));
        Assert.Equal(findings, Verification.Hold(lenient, findings));
    }

    [Fact]
    public async Task WithoutAJudgeAHeldDecisionGoesToAReviewerAsLowConfidenceWithTheRulesAnswer()
    {
        WithTarget(Target(0.999));
        using var app = new ReviewApp(settings: new() { ["Policies:Directory"] = _rules });

        var review = await app.Analyst().SubmitAndWaitAsync(JudgeTestData.Distribution());

        Assert.Equal("needs_review", review.GetProperty("status").GetString());
        var law = review.Finding("governing-law");
        Assert.Equal("undetermined", law.GetProperty("outcome").GetString());
        var proposal = law.GetProperty("proposal");
        Assert.Equal(GoverningLawRule, proposal.GetProperty("rule").GetString());
        Assert.Equal("present", proposal.GetProperty("outcome").GetString());
        Assert.Equal(0.999, proposal.GetProperty("target").GetDouble());
        Assert.Contains(DelawareClause, proposal.GetProperty("evidence")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(QueueReasons.LowConfidence, (await app.QueueReasonsAsync(review))["governing-law"]);
        Assert.Contains("governing-law", review.GetProperty("decision").GetProperty("undetermined").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task AReviewersVerdictsOnHeldDecisionsMeasureTheHeldRulesApartFromTheAutomatedAnswers()
    {
        WithTarget(Target(0.999));
        using var app = new ReviewApp(settings: new() { ["Policies:Directory"] = _rules });
        var (review, item) = await app.SubmitAndFindItemAsync(JudgeTestData.Distribution());
        var reviewer = app.WithKey(ReviewApp.ReviewerKey);
        var held = review.GetProperty("findings").EnumerateArray().Where(f => f.TryGetProperty("proposal", out _))
            .ToDictionary(f => f.GetProperty("check").GetString()!, f => f.GetProperty("proposal").GetProperty("outcome").GetString()!);
        Assert.True(held.Count >= 2, "the fixture has several held decisions");
        var overruled = held.Keys.Order().First();

        await reviewer.ClaimAsync(item);
        var resolved = await reviewer.ResolveAsync(item, item.Verdicts(c =>
            !held.TryGetValue(c, out var proposed) ? "absent" : c == overruled ? (proposed == "present" ? "absent" : "present") : proposed));
        Assert.Equal(System.Net.HttpStatusCode.OK, resolved.StatusCode);

        var stats = await (await reviewer.GetAsync("/v1/stats/agreement")).JsonAsync();
        var stage = Assert.Single(stats.GetProperty("byStage").EnumerateArray(), s => s.GetProperty("stage").GetString() == "rules-held");
        Assert.Equal((held.Count, held.Count - 1), (stage.GetProperty("verdicts").GetInt32(), stage.GetProperty("agreed").GetInt32()));
        // Held answers were never shipped as decisions: the automated figure (QA samples) does not count them.
        Assert.Equal(0, stats.GetProperty("automated").GetProperty("verdicts").GetInt32());
    }

    [Fact]
    public async Task TheJudgeVerifiesHeldDecisionsInTheReviewsOneCallOnTheRulesClauseAndAnAnswerThatAgreesIsFinal()
    {
        WithTarget(Target(0.999));
        using var app = new ReviewApp(settings: JudgeTestData.Settings(_llm, ("Policies:Directory", _rules)));

        var review = await app.Analyst().SubmitAndWaitAsync(JudgeTestData.Distribution());

        var call = Assert.Single(_llm.Calls);
        Assert.Contains("governing-law", call.Checks);
        // The judge reads the rule's clause and the check's question, not the rule's answer.
        Assert.Contains(call.Passages("governing-law"), p => p.Contains(DelawareClause, StringComparison.Ordinal));
        Assert.DoesNotContain(GoverningLawRule, call.AllText, StringComparison.Ordinal);
        var law = review.Finding("governing-law");
        Assert.Equal(("present", "llm"), (law.GetProperty("outcome").GetString(), law.GetProperty("decidedBy").GetString()));
        Assert.Equal(GoverningLawRule, law.GetProperty("proposal").GetProperty("rule").GetString());
        Assert.Contains("the judge, reading the clause on its own, agreed", law.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Contains(DelawareClause, law.GetProperty("evidence")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("governing-law", (await app.QueueReasonsAsync(review)).Keys);
    }

    [Fact]
    public async Task AGroundedConfidentJudgeAnsweringOtherwiseSendsTheHeldDecisionToAReviewerAsDisagreement()
    {
        WithTarget(Target(0.999));
        _llm.Behaviour = call => ScriptedReply.Answer(call, check => check == "governing-law"
            ? Verdict.Absent(call.FirstPassage(check)) with { Rationale = "The clause names no governing law." }
            : Verdict.Present(call.FirstPassage(check)));
        using var app = new ReviewApp(settings: JudgeTestData.Settings(_llm, ("Policies:Directory", _rules)));

        var review = await app.Analyst().SubmitAndWaitAsync(JudgeTestData.Distribution());

        var law = review.Finding("governing-law");
        Assert.Equal("undetermined", law.GetProperty("outcome").GetString());
        Assert.Equal("present", law.GetProperty("proposal").GetProperty("outcome").GetString());
        Assert.Equal("absent", law.GetProperty("suggestion").GetProperty("outcome").GetString());
        Assert.Equal(QueueReasons.Disagreement, law.GetProperty("suggestion").GetProperty("rejectedBecause").GetString());
        Assert.Equal(QueueReasons.Disagreement, (await app.QueueReasonsAsync(review))["governing-law"]);
        Assert.Equal("needs_review", review.GetProperty("status").GetString());
    }
}
