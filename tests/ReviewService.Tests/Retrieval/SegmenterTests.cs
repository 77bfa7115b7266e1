using ReviewService.Retrieval;

namespace ReviewService.Tests.Retrieval;

public sealed class SegmenterTests
{
    [Fact]
    public void PassagesAreWholeSentencesInTextOrderAndANewSectionStartsANewPassage()
    {
        const string text = """
            1. Term. This Agreement starts on the Effective Date. It ends after five (5) years.

            2. Exclusivity. Distributor shall not sell competing products; provided that (a) it may sell used goods; (b) it may sell parts.
            """;

        var passages = Segmenter.Split(text);

        Assert.Equal(2, passages.Count);
        Assert.StartsWith("1. Term.", text[passages[0].Start..passages[0].End], StringComparison.Ordinal);
        Assert.EndsWith("five (5) years.", text[passages[0].Start..passages[0].End], StringComparison.Ordinal);
        Assert.StartsWith("2. Exclusivity.", text[passages[1].Start..passages[1].End], StringComparison.Ordinal);
        Assert.EndsWith("it may sell parts.", text[passages[1].Start..passages[1].End], StringComparison.Ordinal);
    }

    [Fact]
    public void EveryContractIsCoveredWithoutOverlapAndNoSentenceIsCutUnlessItIsLongerThanTheCap()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Fixtures.EvalData, "contracts"), "*.txt"))
        {
            var text = File.ReadAllText(file);

            var passages = Segmenter.Split(text);

            Assert.All(passages.Zip(passages.Skip(1)), pair => Assert.True(pair.First.End <= pair.Second.Start));
            var covered = passages.Sum(p => p.Length);
            Assert.Equal(text.Count(c => !char.IsWhiteSpace(c)), passages.Sum(p => text[p.Start..p.End].Count(c => !char.IsWhiteSpace(c))));
            Assert.True(covered <= text.Length);
            // A passage ends at the end of a sentence (a full stop, a colon or semicolon before a list item, a blank line)
            // unless a single sentence was longer than the cap and had to be cut at a space.
            Assert.All(passages.Where(p => p.End < text.Length), p =>
                Assert.True(p.Length >= Segmenter.MaxSentenceCharacters / 2 || char.IsWhiteSpace(text[p.End]), text[p.Start..p.End]));
        }
    }

    [Fact]
    public void ARunOnSentenceIsCutAtSpacesIntoPiecesNoLongerThanTheCap()
    {
        var text = string.Join(' ', Enumerable.Repeat("word", 2000));

        var passages = Segmenter.Split(text);

        Assert.True(passages.Count > 1);
        Assert.All(passages, p => Assert.True(p.Length <= Segmenter.MaxSentenceCharacters));
        Assert.All(passages, p => Assert.Equal("word", text[p.Start..Math.Min(p.End, p.Start + 4)]));
    }
}
