using ReviewService.Rules;

namespace ReviewService.Tests.Rules;

public sealed class PageFurnitureTests
{
    const string Footer = "Source: ACME HOLDINGS, INC., 10-K, 3/14/2019";
    static readonly string Page = string.Concat(Enumerable.Repeat("The Distributor shall keep accurate records of all sales in the Territory. ", 16));

    [Fact]
    public void ARunningFooterAndThePageNumberBeforeItAreBlankedToSpacesOfTheSameLength()
    {
        var text = $"{Page}1\n\n{Footer}\n\n{Page}2\n\n{Footer}\n\n{Page}the laws of the State of 3\n\n{Footer}\n\nNew York.";

        var blanked = PageFurniture.Blank(text);

        Assert.Equal(text.Length, blanked.Length);
        Assert.DoesNotContain("Source:", blanked, StringComparison.Ordinal);
        Assert.Matches(@"the laws of the State of\s+New York\.$", blanked);
        var expected = text.Replace(Footer, new string(' ', Footer.Length), StringComparison.Ordinal);
        foreach (var pageEnd in new[] { "Territory. 1", "Territory. 2", "State of 3" })
        {
            expected = expected.Replace(pageEnd, pageEnd[..^1] + " ", StringComparison.Ordinal);
        }
        Assert.Equal(expected, blanked);
    }

    [Theory]
    [InlineData("- 12 -")]
    [InlineData("Page 3 of 40")]
    [InlineData("  Page 7")]
    public void APageNumberLineIsBlanked(string marker)
    {
        var text = $"This Agreement shall be governed by the laws of the State of\n{marker}\nTexas.";

        Assert.Equal($"This Agreement shall be governed by the laws of the State of\n{new string(' ', marker.Length)}\nTexas.", PageFurniture.Blank(text));
    }

    // Repeated content is not furniture: a sentence, a lead-in, lines close together (a signature block), or a line seen twice.
    [Theory]
    [InlineData("The foregoing obligations shall survive any termination of this Agreement.", 1200)]
    [InlineData("The Distributor will:", 1200)]
    [InlineData("By: Authorized Signatory", 60)]
    public void RepeatedContentIsLeftAsItIs(string line, int apart)
    {
        var gap = new string('x', apart);
        var text = $"{gap}\n{line}\n{gap}\n{line}\n{gap}\n{line}\n{gap}";

        Assert.Same(text, PageFurniture.Blank(text));
    }

    [Fact]
    public void AHeaderSeenTwiceIsNotARunningLine()
    {
        var text = $"{Page}\n{Footer}\n{Page}\n{Footer}\n{Page}";

        Assert.Same(text, PageFurniture.Blank(text));
    }
}
