using ReviewService.Policies;
using ReviewService.Rules;

namespace ReviewService.Tests.Rules;

/// <summary>
/// The rules stage's scan against plain .NET regex for every shipped detector (over the text the rules read, its page
/// furniture blanked): on every cuad-dev contract (beside the repository, as CI has it) and on randomised texts built from legal words. A start the scan cannot see shows here as a
/// lost match.
/// </summary>
public sealed class ShippedDetectorsDifferentialTests
{
    static readonly Policy ContractReview = PolicyLoader.LoadAll(Fixtures.RulesDirectory).Find("contract-review")!;

    static void AssertSameMatches(string text, string where)
    {
        var hits = new DetectorHits(text, ContractReview.Detectors);
        var read = PageFurniture.Blank(text);
        foreach (var detector in ContractReview.Detectors.Values)
        {
            var expected = detector.Regex.Matches(read).Where(m => m.Length > 0).Take(DetectorHits.MaxMatches).Select(m => (m.Index, m.Index + m.Length)).ToList();
            var found = hits.Matches(detector.Name).Spans.Select(s => (s.Start, s.End)).ToList();
            Assert.True(expected.SequenceEqual(found),
                $"{where}: detector '{detector.Name}' found {found.Count} matches, the regex {expected.Count}; first difference at " +
                $"{expected.Except(found).Concat(found.Except(expected)).Order().FirstOrDefault()}");
        }
    }

    [Fact]
    public void EveryShippedDetectorFindsWhatItsRegexFindsOnEveryCuadDevContract()
    {
        var files = Directory.GetFiles(Path.Combine(Fixtures.CuadDev, "contracts"), "*.txt").Order(StringComparer.Ordinal).ToList();

        Assert.True(files.Count >= 291, $"cuad-dev has {files.Count} contracts under {Fixtures.CuadDev}");
        foreach (var file in files)
        {
            AssertSameMatches(File.ReadAllText(file), Path.GetFileName(file));
        }
    }

    [Fact]
    public void EveryShippedDetectorFindsWhatItsRegexFindsOnRandomisedTexts()
    {
        // Texts of the words the detectors' descriptions quote, legal words and punctuation, in random case and spacing,
        // glued into longer words at times, some with a Kelvin sign (which .NET's case-insensitive matching reads as a K).
        var random = new Random(22);
        var words = ContractReview.Detectors.Values.SelectMany(d => (d.Definition.Description ?? "").Split('"', ' ', '(', ')', ','))
            .Where(w => w.Length is > 1 and < 20).Distinct()
            .Concat(["not", "no", "the", "party", "shall", "may", "without", "prior", "written", "consent", "of", "laws", "State", "Delaware",
                "(a)", "1.", "%", "$1,000", "ten (10)", "days", "years", "non-", "re", "-", "\u2019s", ".", ";", ",", "\n\n"]).ToArray();
        for (var t = 0; t < 200; t++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(20, 120)).Select(_ =>
            {
                var w = words[random.Next(words.Length)];
                w = random.Next(4) switch { 0 => w.ToUpperInvariant(), 1 => char.ToUpperInvariant(w[0]) + w[1..], _ => w };
                return w + (random.Next(5) == 0 ? "" : random.Next(6) == 0 ? "  " : " ");
            }));
            if (t % 20 == 0)
            {
                text = text.Replace('k', '\u212A');
            }
            AssertSameMatches(text, $"random text {t}: {text[..Math.Min(80, text.Length)]}");
        }
    }
}
