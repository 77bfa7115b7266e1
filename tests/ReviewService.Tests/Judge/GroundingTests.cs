using ReviewService.Decisions;
using ReviewService.Judge;

namespace ReviewService.Tests.Judge;

public sealed class GroundingTests
{
    const string Text = "1. Term.\n\nThe Supplier  shall not,\r\n directly or indirectly, compete with the Company’s business. Other text follows.";

    [Theory]
    [InlineData("The Supplier shall not, directly or indirectly, compete with the Company's business.")]
    [InlineData("the supplier SHALL NOT, directly or indirectly,\ncompete with the company’s business")]
    public void QuoteIsFoundIgnoringCaseWhiteSpaceAndTypographicQuotes(string quote)
    {
        var span = Grounding.Find(Text, quote, minCharacters: 15);

        Assert.NotNull(span);
        Assert.Equal(Text[span.Start..span.End], span.Text);
        Assert.StartsWith("The Supplier", span.Text);
    }

    [Theory]
    [InlineData("The Supplier shall compete with the Company's business.")]
    [InlineData("shall not")]
    [InlineData("")]
    public void ParaphraseOrTooShortQuoteIsNotGrounded(string quote) =>
        Assert.Null(Grounding.Find(Text, quote, minCharacters: 15));

    [Fact]
    public void OccurrenceInsideTheChecksPassagesIsPreferred()
    {
        var text = "Either party may terminate this Agreement. Notice. Either party may terminate this Agreement.";
        var near = new Evidence(51, text.Length, text[51..]);

        var span = Grounding.Find(text, "Either party may terminate this Agreement", minCharacters: 15, [near]);

        Assert.Equal(51, span!.Start);
    }
}
