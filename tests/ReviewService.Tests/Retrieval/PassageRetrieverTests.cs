using Microsoft.Extensions.Options;
using ReviewService.Decisions;
using ReviewService.Judge;
using ReviewService.Policies;
using ReviewService.Retrieval;
using ReviewService.Rules;

namespace ReviewService.Tests.Retrieval;

public sealed class PassageRetrieverTests
{
    static readonly Policy ContractReview = PolicyLoader.LoadAll(Fixtures.RulesDirectory).Find("contract-review")!;
    static readonly string PromptFile = Path.Combine(AppContext.BaseDirectory, "prompts", "judge.prompt.txt");

    public static PassageRetriever Retriever(LlmOptions? llm = null, RetrievalOptions? options = null) =>
        new(Options.Create(llm ?? new LlmOptions()), Options.Create(options ?? new RetrievalOptions()), new TokenCounter(llm?.Model), JudgePrompt.Load(PromptFile));

    static IEnumerable<string> Contracts() => Directory.GetFiles(Path.Combine(Fixtures.EvalData, "contracts"), "*.txt").Order(StringComparer.Ordinal).Select(File.ReadAllText);

    [Fact]
    public async Task EveryUndeterminedCheckGetsPassagesWithinTheTokenBudgetAndTheDocumentShare()
    {
        var llm = new LlmOptions { MaxPromptTokens = 4000 };
        var tokens = new TokenCounter(llm.Model);
        var prompt = JudgePrompt.Load(PromptFile);
        foreach (var text in Contracts())
        {
            var findings = await RulesEvaluator.EvaluateAsync(ContractReview, text);

            var result = Retriever(llm).Retrieve(ContractReview, text, findings);

            var undetermined = result.Findings.Where(f => !f.IsDecided).ToList();
            Assert.All(result.Findings.Where(f => f.IsDecided), f => Assert.Equal(findings.Single(o => o.Check == f.Check), f));
            Assert.All(undetermined, f => Assert.NotEmpty(f.Candidates));
            var sent = undetermined.SelectMany(f => f.Candidates).DistinctBy(c => (c.Start, c.End)).ToList();
            Assert.Equal(result.Passages, sent.Count);
            Assert.All(sent, c => Assert.Equal(text[c.Start..c.End], c.Text));
            Assert.True(sent.Sum(c => c.End - c.Start) <= 0.4 * text.Length);
            Assert.Equal(sent.Sum(c => c.End - c.Start), result.PassageCharacters);
            // What the judge would be sent fits the prompt budget, counted with the model's tokenizer.
            Assert.True(prompt.Build(ContractReview, undetermined, tokens).PromptTokens <= llm.MaxPromptTokens);
        }
    }

    [Fact]
    public async Task TheTokenizerRunsOnlyWhenTheBudgetCouldBindAndChoosesAsCountingEveryPassageWould()
    {
        var tokens = new TokenCounter(new LlmOptions().Model);
        var prompt = JudgePrompt.Load(PromptFile);
        foreach (var text in Contracts().Take(4))
        {
            var findings = await RulesEvaluator.EvaluateAsync(ContractReview, text);
            var roomy = Retriever().Retrieve(ContractReview, text, findings);
            var undetermined = roomy.Findings.Where(f => !f.IsDecided).ToList();
            var sent = undetermined.SelectMany(f => f.Candidates).DistinctBy(c => (c.Start, c.End)).ToList();
            // The smallest budget that still admits every passage the roomy run chose: their bytes overrun it, their tokens do not.
            var exact = prompt.OverheadTokens(ContractReview, undetermined.Select(f => f.Check), tokens)
                + sent.Sum(c => tokens.Count(c.Text) + JudgePrompt.PassageOverheadTokens);
            Assert.True(sent.Sum(c => System.Text.Encoding.UTF8.GetByteCount(c.Text)) > sent.Sum(c => tokens.Count(c.Text)));

            var tight = Retriever(new LlmOptions { MaxPromptTokens = exact }).Retrieve(ContractReview, text, findings);
            var tighter = Retriever(new LlmOptions { MaxPromptTokens = exact - 1 }).Retrieve(ContractReview, text, findings);

            Assert.Equal(Spans(roomy), Spans(tight));
            Assert.NotEqual(Spans(tight), Spans(tighter));
        }
    }

    static (int, int)[][] Spans(RetrievalResult result) => [.. result.Findings.Select(f => f.Candidates.Select(c => (c.Start, c.End)).ToArray())];

    [Fact]
    public async Task APassageSeveralChecksNeedIsSentOnceAndListedForEach()
    {
        var text = Contracts().First();
        var result = Retriever().Retrieve(ContractReview, text, await RulesEvaluator.EvaluateAsync(ContractReview, text));

        var listed = result.Findings.SelectMany(f => f.Candidates).ToList();
        Assert.True(listed.Count > result.Passages, "some passage should serve two checks on a real contract");
        Assert.Equal(result.Passages, listed.DistinctBy(c => (c.Start, c.End)).Count());
    }

    [Fact]
    public async Task ThePassageHoldingAnUndeterminedChecksClauseRanksFirst()
    {
        const string text = """
            1. Definitions. "Products" means the goods listed in Exhibit A.

            2. Audit. Each party may, upon reasonable notice, audit and inspect the books and records of the other party to verify the fees paid.

            3. Notices. Notices shall be in writing and delivered by hand or by courier.
            """;
        var findings = ContractReview.Definition.Checks.Select(c => new CheckFinding(c.Name, c.Name == "audit-rights" ? Outcome.Undetermined : Outcome.Absent,
            c.Name == "audit-rights" ? null : DecidedBy.Rules, 0.9, [], [], [])).ToList();

        var result = Retriever().Retrieve(ContractReview, text, findings);

        var first = result.Findings.Single(f => f.Check == "audit-rights").Candidates[0];
        Assert.StartsWith("2. Audit.", first.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ARulesDetectorPassageIsRaisedAndADetectorMatchingEverywhereRaisesEachLess()
    {
        const string text = """
            1. Audit. Each party may, upon reasonable notice, audit and inspect the books and records of the other party to verify the fees paid.

            2. Notices. Notices shall be in writing and delivered by hand or by courier to the addresses above.

            3. Headings. The headings of this agreement are for convenience only and do not affect its meaning.

            4. Counterparts. This agreement may be signed in counterparts, each of which is an original.

            5. Severability. If any provision of this agreement is held invalid, the remaining provisions continue in full force.

            6. Waiver. No failure or delay in exercising any right under this agreement operates as a waiver of that right.

            7. Entire Agreement. This agreement is the entire agreement of the parties on its subject and supersedes all prior ones.
            """;
        string[] paragraphs = ["3. Headings.", "4. Counterparts.", "6. Waiver."];
        IReadOnlyList<Evidence> Matches(params string[] starts) =>
            [.. starts.Select(s => text.IndexOf(s, StringComparison.Ordinal)).Select(i => new Evidence(i, i + 12, text[i..(i + 12)], "audit-detector"))];
        IReadOnlyList<Evidence> Candidates(IReadOnlyList<Evidence> matches) => Retriever().Retrieve(ContractReview, text,
            [.. ContractReview.Definition.Checks.Select(c => c.Name == "audit-rights"
                ? new CheckFinding(c.Name, Outcome.Undetermined, null, 0.5, [], [], matches)
                : new CheckFinding(c.Name, Outcome.Absent, DecidedBy.Rules, 0.9, [], [], []))])
            .Findings.Single(f => f.Check == "audit-rights").Candidates;

        // One match in a passage without the check's words: it is sent after the check's best passage, naming its detector.
        var one = Candidates(Matches("3. Headings."));
        Assert.StartsWith("1. Audit.", one[0].Text, StringComparison.Ordinal);
        Assert.Contains(one, c => c.Text.StartsWith("3. Headings.", StringComparison.Ordinal) && c.Detector == "audit-detector");
        // The same detector matching in three such passages says less about each: none of them reaches the relative score floor.
        var everywhere = Candidates(Matches(paragraphs));
        Assert.StartsWith("1. Audit.", everywhere[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(everywhere, c => paragraphs.Any(p => c.Text.StartsWith(p, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WholeDocumentModeSendsTheDocumentWhenItFits()
    {
        var text = Contracts().OrderBy(t => t.Length).First();
        var findings = await RulesEvaluator.EvaluateAsync(ContractReview, text);

        var whole = Retriever(new LlmOptions { WholeDocumentMaxTokens = 1_000_000 }).Retrieve(ContractReview, text, findings);
        var tooSmall = Retriever(new LlmOptions { WholeDocumentMaxTokens = 10 }).Retrieve(ContractReview, text, findings);

        Assert.True(whole.WholeDocument);
        Assert.All(whole.Findings.Where(f => !f.IsDecided), f => Assert.Equal((0, text.Length), (Assert.Single(f.Candidates).Start, f.Candidates[0].End)));
        Assert.False(tooSmall.WholeDocument);
        Assert.True(tooSmall.Passages > 1);
    }
}
