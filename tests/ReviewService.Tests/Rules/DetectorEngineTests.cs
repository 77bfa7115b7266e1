using System.Text.RegularExpressions;
using ReviewService.Policies;
using ReviewService.Rules;

namespace ReviewService.Tests.Rules;

/// <summary>The scanning engine: declared anchors, one multi-string search, the anchored pattern at each hit.</summary>
public sealed class DetectorEngineTests
{
    static readonly DetectorSet Detectors = new(new[]
    {
        new DetectorDefinition { Name = "assign", Description = "d", Keywords = ["assign", "assignment"] },
        new DetectorDefinition { Name = "consent", Description = "d", Forms = [new() { Anchors = ["prior"], Pattern = [@"prior\s+written\s+consent"] }] },
        new DetectorDefinition { Name = "law", Description = "d", Forms = [new() { Anchors = ["laws"], Pattern = [@"laws\s+of\s+(?<value>[A-Z][a-z]+)"] }], CaseSensitive = true },
    }.Select(d => new Detector(d)));

    static Detector Compile(string pattern, string[] anchors, bool caseSensitive = false, string name = "d") =>
        Compile([(anchors, pattern)], caseSensitive, name);

    static Detector Compile(IEnumerable<(string[] Anchors, string Pattern)> forms, bool caseSensitive = false, string name = "d") =>
        new(new DetectorDefinition
        {
            Name = name, Description = "d", CaseSensitive = caseSensitive,
            Forms = [.. forms.Select(f => new DetectorForm { Anchors = f.Anchors, Pattern = [f.Pattern] })],
        });

    /// <summary>Every non-empty match of the pattern searched from anywhere: what the engine must find.</summary>
    static List<(int, int, string)> Expected(Detector detector, string text) =>
        [.. detector.Regex.Matches(text).Where(m => m.Length > 0).Take(DetectorHits.MaxMatches).Select(m => (m.Index, m.Index + m.Length, m.Groups["value"].Value))];

    static List<(int, int, string)> Found(DetectorSet set, string detector, string text)
    {
        var matches = new DetectorHits(text, set).Matches(detector);
        var values = new Queue<string>(matches.Values);
        var value = set[detector].Regex;
        // Values come only from matches that captured one; pair them back to their spans for the comparison.
        return [.. matches.Spans.Select(s => (s.Start, s.End, value.Match(text, s.Start).Groups["value"] is { Success: true } ? values.Dequeue() : ""))];
    }

    [Fact]
    public void KeywordsMatchWholeWordsCaseInsensitively()
    {
        var hits = new DetectorHits("ASSIGNMENT is covered; reassignments and assignee are not. Assign it.", Detectors);

        Assert.Equal(2, hits.Count("assign"));
        Assert.True(hits.Has("assign"));
    }

    [Fact]
    public void NearMeasuresTheGapBetweenMatches()
    {
        var hits = new DetectorHits("You may not assign this Agreement." + new string(' ', 100) + "Without the prior written consent.", Detectors);

        Assert.True(hits.Near("assign", "consent", 150));
        Assert.False(hits.Near("assign", "consent", 50));
        Assert.Equal(1, hits.CountWithout("assign", "consent", 50));
    }

    [Fact]
    public void ValueGroupsAreCapturedAndSpansAreExact()
    {
        const string text = "This is governed by the laws of Delaware.";
        var matches = new DetectorHits(text, Detectors).Matches("law");

        Assert.Equal(["Delaware"], matches.Values);
        Assert.Equal("laws of Delaware", text[matches.Spans[0].Start..matches.Spans[0].End]);
    }

    [Fact]
    public void AnyWithinLooksOnlyAtMatchesStartingInTheWindowAndValuesComeWithTheirSpans()
    {
        const string text = "First the laws of Delaware. Then the prior written consent. Last the laws of Texas.";
        var hits = new DetectorHits(text, Detectors);
        var consent = text.IndexOf("prior", StringComparison.Ordinal);

        Assert.True(hits.AnyWithin("consent", consent, consent + 1));
        Assert.False(hits.AnyWithin("consent", consent + 1, text.Length));
        Assert.False(hits.AnyWithin("consent", 0, consent));
        Assert.Equal([("Delaware", "laws of Delaware"), ("Texas", "laws of Texas")], hits.Values("law").Select(v => (v.Value, v.Span.Text)));
    }

    // Each form is "anchors => pattern", anchors separated by commas.
    [Theory]
    [InlineData(new[] { @"not => \bnot\s+exceed", @"up => \bup\s+to", @"exceed* => \bexceed\w*" }, "It may not exceed ten, up to five, exceeding nothing; up to it. not exceed")]
    [InlineData(new[] { @"aaab*,aaab => \baaab", @"aaab* => \baaabc", @"bbb* => \bbbb" }, "aaabc aaab bbb aaabcbbb")]
    [InlineData(new[] { @"x => \bx(?<=a\s+x)", @"x => \bx", "y => (?<value>y)" }, "a x x y a x")]
    [InlineData(new[] { @"york,ohio => (?<value>[A-Z]\w+)\s+law", @"laws => laws\s+of\s+(?<value>[A-Z]\w+)" }, "New York law and the laws of Texas; Ohio law")]
    [InlineData(new[] { @"aaa*,bbb* => \b(?:aaa|aaabbb|bbb)c\b" }, "aaabbbc aaac bbbc aaabbbcc aaabbb c")]
    [InlineData(new[] { @"merge*,acqui* => \b(?:merge[rds]?|acqui\w+)\b(?=[^.]{0,20}\bassign)", "xxx*,yyy* => (?:xxx|yyy)+z" }, "merger then assign. acquired, assign it. xxxyyyz yyyz merge")]
    [InlineData(new[] { @"assign* => \bassign(?!ee)\w*(?<!\bnot\s+assign\w*)" }, "assign, not assign, assignee, reassign, ASSIGNMENT; assigns")]
    [InlineData(new[] { "% => %", @"percent => \bpercent\b" }, "10% or ten percent, 5 %")]
    public void TheAnchoredScanFindsWhatASearchOfTheWholeTextFinds(string[] forms, string text)
    {
        var detector = Compile(forms.Select(f => f.Split(" => ", 2)).Select(f => (f[0].Split(','), f[1])), caseSensitive: true);

        Assert.Equal(Expected(detector, text), Found(new DetectorSet([detector]), "d", text));
    }

    [Fact]
    public void APhraseAnchorIsFoundAcrossAnyWhiteSpaceAndAHyphenWhereWritten()
    {
        var detector = Compile(@"\bin\s+no\s+event\b|\bnon-compet\w*", ["in no event", "non-compet*"]);
        const string text = "In  no\nevent; in no events? non-competition, non compete, in-no event";

        Assert.Equal(Expected(detector, text), Found(new DetectorSet([detector]), "d", text));
        Assert.Equal(2, Found(new DetectorSet([detector]), "d", text).Count);
    }

    [Fact]
    public void AContextFindsWhatTheLookBehindItStandsForFinds()
    {
        var detector = new Detector(new DetectorDefinition
        {
            Name = "d", Description = "d",
            Forms = [new() { Anchors = ["assign*"], After = new() { AnyOf = ["not", "shall not be"], Within = 20 }, Pattern = [@"\bassign\w*"] }],
        });
        const string text = "Licensee shall not be assigning it. Not assign. Assign, not to be assigned in any event or otherwise assigned. not. assign";

        var found = Found(new DetectorSet([detector]), "d", text);

        Assert.Equal(Expected(detector, text), found);
        Assert.Equal([22, 40, 66], found.Select(f => f.Item1));
    }

    [Fact]
    public void AnUnlessContextFindsWhatTheNegativeLookBehindItStandsForFinds()
    {
        var denied = new DetectorContext
        {
            AnyOf = ["no", "neither", "never"], Except = ["no more", "no later"], StoppedBy = ["but", "unless"], Within = 40, EndsAt = ".;:",
        };
        var detector = new Detector(new DetectorDefinition
        {
            Name = "d", Description = "d",
            Forms = [new() { Anchors = ["audit*"], Unless = "denied", Pattern = [@"\baudit\w*"] }],
        }, contexts: new Dictionary<string, DetectorContext> { ["denied"] = denied });
        const string text = "Neither party may audit the other. No more than once a year may Supplier audit. No licence is granted; Supplier may audit. "
            + "No licence is granted but Supplier may audit. No audit. no later than June, then never. NO ONE WILL EVER AUDIT. Audits of "
            + "no kind, no time, none, and some text long enough to leave the reach of the denial before it audits. no Auditor. "
            + "no more, no matter: audit.";

        var found = Found(new DetectorSet([detector]), "d", text);

        Assert.Equal(Expected(detector, text), found);
        Assert.Equal(["audit", "audit", "audit", "Audits", "audits", "audit"], found.Select(f => text[f.Item1..f.Item2]));
    }

    [Fact]
    public void AnUnknownContextIsRefusedNamingTheContextsThereAre() =>
        Assert.Contains("unknown context 'denial' (contexts: denied)", Assert.Throws<ArgumentException>(() => new Detector(new DetectorDefinition
        {
            Name = "d", Description = "d", Forms = [new() { Anchors = ["audit"], Unless = "denial", Pattern = ["audit"] }],
        }, contexts: new Dictionary<string, DetectorContext> { ["denied"] = new() { AnyOf = ["no"], Within = 9 } })).Message, StringComparison.Ordinal);

    [Fact]
    public void AnAnchorNamingAWordListStandsForEveryPhraseOfTheList()
    {
        var lists = new Dictionary<string, IReadOnlyList<string>> { ["states"] = ["New York", "Ohio"] };
        var detector = new Detector(new DetectorDefinition
        {
            Name = "law", Description = "d", CaseSensitive = true,
            Forms = [new() { Anchors = ["{{states}}"], Pattern = [@"(?<value>{{states}})\s+law\s+shall\s+govern"] }],
        }, lists);
        const string text = "Ohio law shall govern. Texas law shall govern. New  York law shall govern.";

        var found = Found(new DetectorSet([detector]), "law", text);

        Assert.Equal(Expected(detector, text), found);
        Assert.Equal(["Ohio", "New  York"], found.Select(f => f.Item3));
        Assert.Contains("unknown word list 'nations'", Assert.Throws<ArgumentException>(() => new Detector(new DetectorDefinition
        {
            Name = "d", Description = "d", Forms = [new() { Anchors = ["{{nations}}"], Pattern = ["law"] }],
        }, lists)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APrefixAnchorOfFewerThanThreeCharactersIsRefused() =>
        Assert.Contains("three characters", Assert.Throws<ArgumentException>(() => Compile(@"\bco-?own", ["co*"])).Message, StringComparison.Ordinal);

    [Fact]
    public void AWholeWordAnchorIsNotFoundInsideALongerWordAndAStartAnchorIs()
    {
        var whole = Compile(@"\bassign\w*", ["assign"]);
        var start = Compile(@"\bassign\w*", ["assign*"]);
        const string text = "assign; assignment";

        Assert.Equal([(0, 6, "")], Found(new DetectorSet([whole]), "d", text));
        Assert.Equal(Expected(start, text), Found(new DetectorSet([start]), "d", text));
    }

    [Fact]
    public void AMatchThatStartsWithoutADeclaredAnchorIsNotFound()
    {
        // The anchors are a declared fact: "the" is not one, so "the licensee" is found from "licensee" only.
        var detector = Compile(@"(?:the\s+)?licensee", ["licensee"]);

        var found = Found(new DetectorSet([detector]), "d", "the licensee");

        Assert.Equal([(4, 12, "")], found);
        Assert.NotEqual(Expected(detector, "the licensee"), found);
    }

    [Fact]
    public void AKelvinSignIsFiledAsTheLetterKSoTheAnchorsFindWhatTheRegexDoes()
    {
        var detector = Compile(@"\bknow-how\b", ["know"]);
        const string text = "\u212Anow-how and know-how, \u212A\u212Aknow-how";

        Assert.Equal(2, Found(new DetectorSet([detector]), "d", text).Count);
        Assert.Equal(Expected(detector, text), Found(new DetectorSet([detector]), "d", text));
    }

    [Fact]
    public void OnlyTheDeclaredLookalikesMatchAnAsciiLetterOrDigitCaseInsensitively()
    {
        var others = new HashSet<char>();
        foreach (var ascii in "abcdefghijklmnopqrstuvwxyz0123456789")
        {
            var regex = new Regex($"^{ascii}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            for (var c = 128; c <= char.MaxValue; c++)
            {
                if (regex.IsMatch(((char)c).ToString()) && !string.Equals(((char)c).ToString(), ascii.ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    others.Add((char)c);
                }
            }
        }

        Assert.Equal([DetectorSet.KelvinSign], others);
    }

    [Fact]
    public void EveryAnchorIsFoundInOnePassWhereAWordStartsWithItOrIsIt()
    {
        var set = new DetectorSet([Compile([(["assign*"], @"\bassign\w*"), (["assignment"], @"\bassignment")]), Compile(@"\bsign\w*|%", ["sign*", "%"], name: "e")]);

        var found = set.Find("Assignment; sign. reassign; Sign-off 5%");

        // "reassign" does not start with the anchor's word, nor "Assignment" with "sign"; "%" is found as it is.
        var (assign, assignment) = (set.AnchorsOf["d"][0][0], set.AnchorsOf["d"][1][0]);
        Assert.Equal([0], found[assign]);
        Assert.Equal([0], found[assignment]);
        Assert.Equal([12, 28], found[set.AnchorsOf["e"][0][0]]);
        Assert.Equal([38], found[set.AnchorsOf["e"][0][1]]);
    }

    [Theory]
    [InlineData(@"\b(?:\w+\s*)+consent", "without bound")]
    [InlineData(@"(a+)+b", "without bound")]
    [InlineData(@"(?:[a-z]*,){2,}", "without bound")]
    [InlineData(@"\b(?:\w+\s+){0,9}consent", "up to 9 times")]
    public void PatternsThatCanBacktrackExponentiallyAreRefused(string pattern, string repeat)
    {
        var error = Assert.Throws<UnsafePatternException>(() => Compile(pattern, ["consent"]));

        Assert.Contains(repeat, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"\b(?:\w+\s+){0,5}consent")]
    [InlineData(@"\b(?:prior|written)*\s+notice")]
    [InlineData(@"[(+*]+\(\w+\)+")]
    [InlineData(@"\bnot(?<=\b(?:shall|will)\s+[^.]{0,150})")]
    public void BoundedOrSingleRepetitionsAreAccepted(string pattern)
    {
        Assert.Null(PatternSafety.NestedRepetition(pattern));
    }

    [Fact]
    public void WordListsAreWrittenOnceAndExpandToTheirPhrases()
    {
        var lists = new Dictionary<string, IReadOnlyList<string>> { ["months"] = ["one", "twenty four"] };
        var detector = new Detector(new DetectorDefinition { Name = "d", Description = "d", Forms = [new() { Anchors = ["within"], Pattern = [@"within\s+", "{{months}}", @"\s+months"] }] }, lists);

        Assert.Equal(@"within\s+(?:one|twenty\s+four)\s+months", detector.Pattern);
        Assert.Contains("unknown word list 'weeks'", Assert.Throws<ArgumentException>(() =>
            new Detector(new DetectorDefinition { Name = "d", Description = "d", Forms = [new() { Anchors = ["x"], Pattern = ["x{{weeks}}"] }] }, lists)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownDetectorIsAnError()
    {
        Assert.Throws<ArgumentException>(() => new DetectorHits("x", Detectors).Has("nope"));
    }
}
