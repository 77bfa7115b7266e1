using System.Text.RegularExpressions;
using ReviewService.Policies;
using ReviewService.Rules;

namespace ReviewService.Tests.Rules;

/// <summary>
/// Branches tried only where their leading words are (<see cref="BranchPrefix"/>, <see cref="WordStarts"/>) find exactly
/// what the single regex finds; the facts about .NET's regex engine that the shortcut relies on are checked here too.
/// </summary>
public sealed class DetectorPrefixTests
{
    const RegexOptions CaseInsensitive = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    [Theory]
    [InlineData(@"\bin\s+excess\s+of\b", "in excess of")]
    [InlineData(@"\bterminat\w*\b[^.]{0,150}", "terminat")]
    [InlineData(@"\blaws?\s+of", "law|laws of")]
    [InlineData(@"\b(?i:law)s?\s+(?i:of)", "law|laws of")]
    [InlineData(@"\b(?i:legislation)\s+(?i:of)\s+(?:(?i:the)\s+)?", "legislation of _")]
    [InlineData(@"\b(?:this|the)\s+(?:agreement|contract)\s+shall", "this|the agreement|contract shall")]
    [InlineData(@"\b(?i:State)\s+(?i:Commonwealth|Province)\b", "State Commonwealth|Province")]
    [InlineData(@"(?i:\blaws?\s+of)\s+", "law|laws of")]
    [InlineData(@"(?i:\bgoverning\s+law)\s+", "governing law")]
    [InlineData(@"(?<!\bnon-?\s?)(?<!\bnot\s)\bexclusive(?:ly)?\b", "exclusively|exclusive")]
    [InlineData(@"\bmay\s+(?:\w+\s+){0,3}terminat", "may _")]
    [InlineData(@"\bgrant(?:s|ed)?\b", "grants|granted|grant")]
    [InlineData(@"\bassign(?:ed|able)??\s+to", "assigned|assignable|assign to")]
    [InlineData(@"\bnot\s+to\b", "not to")]
    [InlineData(@"\bup\s+to\s+(?:\w+\s+){0,2}?", "up to _")]
    [InlineData(@"\bconsent\w*", "consent")]
    [InlineData(@"\bcontrols+", "control")]
    [InlineData(@"\bx\s+y", "x y")]
    [InlineData(@"\bof\s+(?:the\s+)?(?:expiration|termination)", "of [the] expiration|termination")]
    [InlineData(@"\bnot\s+(?:to\s+)?(?:directly\s+or\s+indirectly\s+)?compete", "not [to] [directly or indirectly] compete")]
    [InlineData(@"\bof\s+(?:the\s+)?\w+", "of _")]
    [InlineData(@"\bof\s+(?:the\s+)*state", "of _")]
    [InlineData(@"\bof\s+(?:the\s*)?state", "of _")]
    [InlineData(@"\bemploy\w*\b(?<=\b(?:not|refrain\w*)\b[^.]{0,150})[^.]{0,150}\bstaff", "employ after not | refrain")]
    [InlineData(@"\bsell\w*(?<=\bnot\b[^.]{0,100})", "sell after not")]
    public void APrefixIsTheWordsEveryMatchStartsWith(string branch, string words)
    {
        var prefix = BranchPrefix.Of(branch);

        Assert.NotNull(prefix);
        Assert.Equal(words, prefix.ToString());
    }

    [Theory]
    [InlineData(@"not\s+to\s+renew")]
    [InlineData(@"\bab|\bcd")]
    [InlineData(@"\bab(?i)cd")]
    [InlineData(@"\Gabc")]
    [InlineData(@"(?i:\blaw|\bact)\s+")]
    [InlineData(@"(?i:\blaw\s+of)?\s+")]
    [InlineData(@"(?=abc)?\bword")]
    [InlineData(@"\b(?i:law)?\s+of")]
    [InlineData(@"\b(?:the)?\s+of")]
    [InlineData(@"\bs?\s+of")]
    [InlineData("%")]
    public void ABranchWithoutLeadingWordsHasNoPrefix(string branch) =>
        Assert.Null(BranchPrefix.Of(branch));

    [Theory]
    [InlineData(@"\bco-?own", false)]
    [InlineData(@"\bnon-solicit", true)]
    [InlineData(@"\bfees?(?=x)", false)]
    [InlineData(@"\bfees?\b", true)]
    [InlineData(@"\bnot\b", true)]
    [InlineData(@"\bnot\s", true)]
    [InlineData(@"\bnotice", true)]
    [InlineData(@"\bterm(?:s|inat)", true)]
    [InlineData(@"\bact(?:s|ion)?", false)]
    [InlineData(@"\bact(?:s|ion)?\s*", false)]
    public void AFirstWordIsLookedUpWhenItIsWholeOrHasFourCharacters(string branch, bool found) =>
        Assert.Equal(found, WordStarts.CanFind(BranchPrefix.Of(branch)!));

    [Theory]
    [InlineData(@"\b(?:except|not)\b[^.]{0,250}\bconfidential", "except | not")]
    [InlineData(@"\b(?:in\s+no\s+event|neither|no)\b[^.;]{0,200}?\bliab", "in no event | neither | no")]
    [InlineData(@"\bassign\w*\b[^.]{0,150}\b(?:null\s+and\s+)?void", "assign")]
    [InlineData(@"\b(?:shall|agrees?\s+(?:that\s+)?)\s+not[- ]\w+", "shall | agree|agrees _")]
    [InlineData(@"\b(?:prices?|terms)\b[^.]{0,120}(?=x)(?<value>[A-Za-z'’]+)", "price|prices | terms")]
    public void ALookbehindThatCannotCrossAFullStopNamesTheWordsItStartsWith(string lookbehind, string words) =>
        Assert.Equal(words, PrecedingWord.Of(lookbehind)?.ToString());

    [Theory]
    [InlineData(@"\b(?:except|not)\b.{0,250}\bconfidential")]
    [InlineData(@"\b(?:except|not)\b[^;]{0,250}\bconfidential")]
    [InlineData(@"\b(?:except|not)\b\S*\bconfidential")]
    [InlineData(@"\b(?:except|not)\b\.\s+confidential")]
    [InlineData(@"\b(?:except|not)\b[+-/]confidential")]
    [InlineData(@"\b(?:except|not)[^.]{0,250}\bconfidential")]
    [InlineData(@"\b(?:except|no)?\s+confidential")]
    [InlineData(@"[^.]{0,250}\bconfidential")]
    public void ALookbehindThatMightCrossAFullStopOrHasNoLeadingWordsGivesNoCondition(string lookbehind) =>
        Assert.Null(PrecedingWord.Of(lookbehind));

    [Theory]
    [InlineData(@"\bab|\bcd(?:e|f)?", true)]
    [InlineData(@"\bab|%", false)]
    [InlineData(@"\bab|cd", false)]
    public void MatchesAreNeverEmptyWhenEveryBranchStartsWithAWord(string pattern, bool neverEmpty) =>
        Assert.Equal(neverEmpty, new Detector(new DetectorDefinition { Name = "d", Pattern = pattern }).MatchesAreNeverEmpty);

    [Theory]
    [InlineData(@"\bnot\s+exceed|\bup\s+to|\bexceed\w*", "It may NOT\texceed ten, up to five, exceeding nothing; up\u00a0to it. not exceed_x")]
    [InlineData(@"\b(?:this|the)\s+(?:agreement|contract)\s+shall\b|\bterm\s+of\s+(?:this|the)\s+agreement", "The Agreement shall; the\r\n contract shall. Term of this agreement; the agreements shall")]
    [InlineData(@"\bexclusive(?<!\bnon-?\s?exclusive)\b|\bsole\s+(?:and\s+exclusive\s+)?supplier", "non-exclusive, exclusive, Non exclusive, sole and exclusive supplier, sole supplier, exclusives")]
    [InlineData(@"\b(?i:claim)s?\s+(?i:of)\s+(?<value>[A-Z]\w+)|(?i:\bnotices?\s+of)\s+(?<value>[a-z]+)", "CLAIMS OF Texas, claim of ohio, notice of  maine; disclaims of Kansas; 2claims of Utah, NOTICES OF texas")]
    [InlineData(@"\bcontrol\b(?<=\bchange\s+(?:of|in)\s+control)(?=[^.]{0,40}\bterminat)|\bmerge[rds]?\b", "A change of control lets it terminate. Merger, merged, emerged; change in control. merges")]
    [InlineData(@"\bany\s+other\s+(?:\w+\s+)?(?:party|person)\b(?<=\bnot\b[^.]{0,60})|\bnot\s+to\s+(?:renew|extend)", "Not with any other party. any other person is fine. not to renew; not to extend it; not tO RENEW")]
    [InlineData(@"\bin\s+excess\s+of\b|\bexcess\s+(?:\w+\s+)?(?:volume|usage)", "in excess of; In  excess  of; in_excess of; excess usage; excess data volume; in excessive")]
    [InlineData(@"\bkelvin\b|\bssoft\b", "Kelvin, \u212Aelvin and \u017Fsoft")]
    [InlineData(@"\bconfidential(?<=\b(?:except|not)\b[^.]{0,40}\bconfidential)|\bnoticed?\b(?<=\bnotice\w*)", "Except as set out. Confidential data; except for CONFIDENTIAL data, NOT\nany confidential data, not x confidentiality; a notice was noticed.")]
    [InlineData(@"\bliab(?:le|ility)\b(?<=\b(?:in\s+no\s+event|neither|no)\b[^.]{0,30}?\bliab(?:le|ility))", "In no event liable. In no  event is it liable; neither party is liable for liability.\nno liability. Not liable")]
    [InlineData(@"\bof\s+(?:the\s+)?(?:expiration|termination)|\bnot\s+(?:to\s+)?(?:directly\s+or\s+indirectly\s+)?compete", "of the expiration, of  termination, OF THE\ttermination, of thexpiration; not compete, not to directly or indirectly compete, not directly compete, not to to compete")]
    [InlineData(@"\b(?i:law)s?\s+(?i:of)\s+(?<value>[A-Z]\w+)|\bfees?\b(?=\s+\w+)|\bassign(?:ed|able|s)?\b", "LAWS OF Texas, law of ohio, Laws  Of Utah; outlaws of Kansas; fees apply, a fee; fees. assigns, reassigned, assignable, assignment")]
    [InlineData(@"\b(?:hire|employ)\w*\b(?<=\b(?:not|non-solicit\w*)\b[^.]{0,40})[^.]{0,40}\bstaff\b", "Employees are staff. Not to employ staff; non-solicitation: hiring of staff. Do not. Hire staff; NOT employing the staff, non-solicit hires staff")]
    public void BranchesTriedAtTheirWordsFindWhatTheAlternationFinds(string pattern, string text)
    {
        var detector = new Detector(new DetectorDefinition { Name = "d", Pattern = pattern });

        Assert.Contains(detector.Prefixes, p => p is not null);
        Assert.Equal(RegexMatches(detector, text), CursorMatches(detector, text, WordStarts.Of(text)));
    }

    [Fact]
    public void EveryShippedDetectorFindsTheSameWithAndWithoutTheIndex()
    {
        var policy = PolicyLoader.LoadAll(Fixtures.RulesDirectory).Find("contract-review")!;
        var texts = Directory.GetFiles(System.IO.Path.Combine(Fixtures.EvalData, "contracts"), "*.txt").Select(File.ReadAllText)
            .Append(Fixtures.Text("contract.txt")).ToList();
        Assert.Contains(policy.Detectors.Values, d => d.Prefixes.Any(p => p is not null));

        foreach (var text in texts)
        {
            var words = WordStarts.Of(text);
            Assert.NotNull(words);
            foreach (var detector in policy.Detectors.Values)
            {
                var expected = RegexMatches(detector, text);
                Assert.Equal(expected, CursorMatches(detector, text, words));

                // Has answers from the first branch that matches; the scan after it still finds every match in order.
                var hits = new DetectorHits(text, policy.Detectors);
                Assert.Equal(expected.Count > 0, hits.Has(detector.Name));
                Assert.Equal(expected.Take(DetectorHits.MaxMatches).Select(m => (m.Item1, m.Item1 + m.Item2)),
                    hits.Matches(detector.Name).Spans.Select(s => (s.Start, s.End)));
            }
        }
    }

    [Fact]
    public void EveryShippedDetectorsExamplesAreMatchesOfItsBranchesFirstBranchFirst()
    {
        var policy = PolicyLoader.LoadAll(Fixtures.RulesDirectory).Find("contract-review")!;
        var texts = Directory.GetFiles(System.IO.Path.Combine(Fixtures.EvalData, "contracts"), "*.txt").Select(File.ReadAllText)
            .Append(Fixtures.Text("contract.txt")).ToList();
        var checkedOne = false;
        foreach (var text in texts)
        {
            foreach (var detector in policy.Detectors.Values.Where(d => d.MatchesAreNeverEmpty))
            {
                using var hits = new DetectorHits(text, policy.Detectors);
                var examples = hits.Examples(detector.Name).ToList();
                var firstBranch = detector.Branches.FirstOrDefault(b => b.IsMatch(text));

                Assert.Equal(firstBranch is not null, examples.Count > 0);
                if (firstBranch is null)
                {
                    continue;
                }
                // Each example is a match of one of the branches; the first is the first match of the first branch that matches.
                Assert.All(examples, e => Assert.Contains(detector.Branches, b => b.Match(text, e.Start) is { Success: true } m
                    && m.Index == e.Start && m.Length == e.End - e.Start));
                var first = firstBranch.Match(text);
                Assert.Equal((first.Index, first.Index + first.Length), (examples[0].Start, examples[0].End));
                checkedOne = true;
            }
        }
        Assert.True(checkedOne);
    }

    [Fact]
    public void BranchMatchesGoBranchByBranchAndStopWhenTheirAttemptsAreSpent()
    {
        var detector = new Detector(new DetectorDefinition { Name = "d", Pattern = @"\balpha\b|\bbeta\b" });
        const string text = "beta beta alpha beta";
        IEnumerable<int> Starts(int attempts)
        {
            var cursor = new DetectorCursor(detector, text, WordStarts.Of(text));
            Assert.True(cursor.Any());
            return [.. cursor.BranchMatches(attempts).Select(m => m.Index)];
        }

        Assert.Equal([10, 0, 5, 16], Starts(1000));
        Assert.Equal([10, 0], Starts(1));
        Assert.Throws<InvalidOperationException>(() => new DetectorCursor(detector, text).BranchMatches(10).ToList());
    }

    [Fact]
    public void ADisposedWordIndexRefusesLookups()
    {
        var prefix = new Detector(new DetectorDefinition { Name = "d", Pattern = @"\balpha\b" }).Prefixes[0]!;
        var words = WordStarts.Of("alpha beta alpha")!;
        Assert.Equal([0, 11], words.Find(prefix));

        words.Dispose();

        Assert.Throws<ObjectDisposedException>(() => words.Find(prefix));
        var detectors = new Dictionary<string, Detector> { ["a"] = new(new DetectorDefinition { Name = "a", Pattern = @"\balpha\b" }),
            ["b"] = new(new DetectorDefinition { Name = "b", Pattern = @"\bbeta\b" }) };
        var hits = new DetectorHits("alpha beta", detectors);
        Assert.True(hits.Has("a"));
        hits.Dispose();
        Assert.Throws<ObjectDisposedException>(() => hits.Has("b"));
    }

    [Fact]
    public void OnlyTheLookalikesMatchAnAsciiLetterOrDigitCaseInsensitively()
    {
        var others = new HashSet<char>();
        foreach (var ascii in "abcdefghijklmnopqrstuvwxyz0123456789")
        {
            var regex = new Regex($"^{ascii}$", CaseInsensitive);
            for (var c = 128; c <= char.MaxValue; c++)
            {
                if (regex.IsMatch(((char)c).ToString()))
                {
                    others.Add((char)c);
                }
            }
        }

        Assert.NotEmpty(others);
        Assert.All(others, c => Assert.Null(WordStarts.Of("x" + c)));
    }

    [Fact]
    public void RegexWhiteSpaceIsCharWhiteSpaceAndAsciiLettersAndDigitsAreWordCharacters()
    {
        var space = new Regex(@"^\s$");
        var word = new Regex(@"^\w$");
        for (var c = 0; c <= char.MaxValue; c++)
        {
            var s = ((char)c).ToString();
            Assert.False(space.IsMatch(s) && !char.IsWhiteSpace((char)c), $"U+{c:X4}");
            Assert.True(!char.IsAsciiLetterOrDigit((char)c) || word.IsMatch(s), $"U+{c:X4}");
        }
    }

    static List<(int, int, string)> RegexMatches(Detector detector, string text) =>
        [.. detector.Regex.Matches(text).Where(m => m.Length > 0).Select(m => (m.Index, m.Length, m.Groups["value"].Value))];

    static List<(int, int, string)> CursorMatches(Detector detector, string text, WordStarts? words)
    {
        var cursor = new DetectorCursor(detector, text, words);
        var found = new List<(int, int, string)>();
        while (cursor.Next() is { } m)
        {
            if (m.Length > 0)
            {
                found.Add((m.Index, m.Length, m.Groups["value"].Value));
            }
        }
        return found;
    }
}
