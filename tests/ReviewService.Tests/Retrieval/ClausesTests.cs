using ReviewService.Decisions;
using ReviewService.Retrieval;

namespace ReviewService.Tests.Retrieval;

/// <summary>A decision's evidence: the clause holding its matches, bounded, with the matched words marked inside.</summary>
public sealed class ClausesTests
{
    static List<Evidence> ClausesOf(string text, params (int Start, int End)[] matches) =>
        Clauses.Of(text, Segmenter.Sentences(text), matches.Select(m => new Evidence(m.Start, m.End, text[m.Start..m.End], "d")));

    [Fact]
    public void AMatchBecomesTheSentenceHoldingItWithTheMatchMarked()
    {
        const string text = "1. Term. This Agreement lasts five years. Licensee shall not assign this Agreement without the prior written consent of Licensor. Notices go to the addresses below.";
        var at = text.IndexOf("assign", StringComparison.Ordinal);

        var clause = Assert.Single(ClausesOf(text, (at, at + 6)));

        Assert.Equal("Licensee shall not assign this Agreement without the prior written consent of Licensor.", clause.Text);
        Assert.Equal([new Mark(at, at + 6)], clause.Marks);
        Assert.Equal(clause.Text, text[clause.Start..clause.End]);
    }

    [Fact]
    public void AHeadingTooShortToCheckTakesInTheSentenceAfterIt()
    {
        const string text = "Section 9. No Assignment.\n\nNeither party may assign its rights under this Agreement to any third party. Section 10. Notices.";
        var at = text.IndexOf("Assignment", StringComparison.Ordinal);

        var clause = Assert.Single(ClausesOf(text, (at, at + 10)));

        Assert.StartsWith("Section 9. No Assignment.", clause.Text, StringComparison.Ordinal);
        Assert.EndsWith("to any third party.", clause.Text, StringComparison.Ordinal);
        Assert.False(Clauses.TooShort(text, clause.Start, clause.End));
    }

    [Fact]
    public void ARunOnClauseIsCutToSixHundredCharactersAroundTheMatchAtSpaces()
    {
        var words = string.Join(' ', Enumerable.Range(0, 400).Select(i => $"word{i}"));
        var text = $"{words} governed by the laws of Delaware {words}.";
        var at = text.IndexOf("governed", StringComparison.Ordinal);

        var clause = Assert.Single(ClausesOf(text, (at, at + 36)));

        Assert.InRange(clause.End - clause.Start, Clauses.MinCharacters, Clauses.MaxCharacters);
        Assert.Contains("governed by the laws of Delaware", clause.Text, StringComparison.Ordinal);
        Assert.StartsWith("word", clause.Text, StringComparison.Ordinal);
        Assert.Equal(' ', text[clause.End]);
    }

    [Fact]
    public void MatchesInOneClauseShareItAndMatchesElsewhereGetTheirOwn()
    {
        const string text = "Licensee may not assign or transfer this Agreement without consent. The laws of Texas govern this Agreement in all respects.";
        var (assign, transfer, laws) = (text.IndexOf("assign", StringComparison.Ordinal), text.IndexOf("transfer", StringComparison.Ordinal), text.IndexOf("laws", StringComparison.Ordinal));

        var clauses = ClausesOf(text, (transfer, transfer + 8), (assign, assign + 6), (laws, laws + 4));

        Assert.Equal(2, clauses.Count);
        Assert.Equal([new Mark(assign, assign + 6), new Mark(transfer, transfer + 8)], clauses[0].Marks);
        Assert.StartsWith("The laws of Texas", clauses[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void FindingsAreWidenedOnceAndUndecidedOnesAreLeftAlone()
    {
        const string text = "Licensee shall not assign this Agreement without the prior written consent of Licensor.";
        var match = new Evidence(19, 25, "assign", "assignment_consent");
        IReadOnlyList<CheckFinding> findings =
        [
            new("anti-assignment", Outcome.Present, DecidedBy.Rules, 0.9, [match], ["AA-1"], []),
            new("audit-rights", Outcome.Undetermined, null, 0, [], [], [new Evidence(0, 8, "Licensee")]),
        ];

        var widened = Clauses.Widen(text, findings);

        Assert.Equal(text, widened[0].Evidence.Single().Text);
        Assert.Same(findings[1], widened[1]);
        Assert.Same(widened, Clauses.Widen(text, widened));
    }
}
