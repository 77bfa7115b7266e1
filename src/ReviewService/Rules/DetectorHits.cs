namespace ReviewService.Rules;

/// <summary>One detector's matches in a document.</summary>
public sealed record DetectorMatches(IReadOnlyList<Evidence> Spans, IReadOnlyList<string> Values, bool TimedOut);

/// <summary>
/// The detectors of a policy applied to one document, as rule expressions see it (parameter <c>doc</c>):
/// <c>doc.Has("x")</c>, <c>doc.Count("x")</c>, <c>doc.Near("x", "y", 300)</c>.
/// Detectors run lazily, the first time a rule asks for them, and only as far as the question needs:
/// <c>Has</c> stops at the first match, <see cref="Spans"/> where its caller stops; <c>Count</c>, <c>Near</c> and
/// <see cref="Matches"/> scan the whole text (once). The first detector to run indexes where the text's words start
/// (<see cref="WordStarts"/>); every branch with leading words is then tried only there.
/// </summary>
public sealed class DetectorHits : IDisposable
{
    /// <summary>Counts saturate here: no rule needs more, and a hostile document cannot make the list unbounded.</summary>
    public const int MaxMatches = 500;

    /// <summary>
    /// How many match attempts <see cref="Examples"/> spends on a detector's branches beyond the first that matches: a
    /// reader's passages are a sample, not a proof that there are no more (on cuad-dev, 39 of 8,636 candidate passages
    /// were not found within it).
    /// </summary>
    public const int ExampleAttempts = 1000;

    readonly string _text;
    readonly IReadOnlyDictionary<string, Detector> _detectors;
    readonly Dictionary<string, Scan> _scans = new(StringComparer.Ordinal);
    readonly Lazy<WordStarts?> _words;
    readonly ScanBudget _budget;

    /// <summary>The detectors over <paramref name="text"/>, which together may spend <paramref name="budget"/> on it (<see cref="ScanBudget.For"/> its length when null).</summary>
    public DetectorHits(string text, IReadOnlyDictionary<string, Detector> detectors, ScanBudget? budget = null)
    {
        _text = text;
        _detectors = detectors;
        _budget = budget ?? ScanBudget.For(text.Length);
        _words = new(() => WordStarts.Of(text), LazyThreadSafetyMode.None);
    }

    /// <summary>Gives the word index's memory back (<see cref="WordStarts.Dispose"/>): no detector may be asked anything after.</summary>
    public void Dispose()
    {
        if (_words.IsValueCreated)
        {
            _words.Value?.Dispose();
        }
    }

    public bool Has(string detector) => Get(detector).HasAny();

    public int Count(string detector) => Matches(detector).Spans.Count;

    /// <summary>True when a match of <paramref name="first"/> and one of <paramref name="second"/> are within <paramref name="chars"/> characters of each other.</summary>
    public bool Near(string first, string second, int chars)
    {
        var b = Matches(second).Spans;
        return b.Count > 0 && Matches(first).Spans.Any(x => b.Any(y => y.Start - x.End <= chars && x.Start - y.End <= chars));
    }

    /// <summary>How many matches of <paramref name="first"/> have no match of <paramref name="second"/> within <paramref name="chars"/> characters.</summary>
    public int CountWithout(string first, string second, int chars)
    {
        var b = Matches(second).Spans;
        return Matches(first).Spans.Count(x => !b.Any(y => y.Start - x.End <= chars && x.Start - y.End <= chars));
    }

    /// <summary>Detectors whose scan ran out of the document's scan budget (a scan stopped early by <see cref="Has"/> never gets that far).</summary>
    public IEnumerable<string> TimedOutDetectors => _scans.Where(s => s.Value.TimedOut).Select(s => s.Key);

    public DetectorMatches Matches(string detector) => Get(detector).Complete();

    /// <summary>The detector's matches in text order, scanning only as far as the caller enumerates.</summary>
    public IEnumerable<Evidence> Spans(string detector) => Get(detector).Enumerate();

    /// <summary>
    /// Matches of the detector to show a reader, scanning little beyond what the rules scanned: when its matches in text
    /// order are being read already (<see cref="Count"/>, <see cref="Spans"/>), those; otherwise its branches' matches, branch by
    /// branch in pattern order, each branch's in text order (<see cref="DetectorCursor.BranchMatches"/>).
    /// Why not always the first matches in the text: proving that no branch matches before a given one means trying every
    /// branch up to there, which cost about a third of the rules stage, for passages no better at showing what the detector found.
    /// </summary>
    public IEnumerable<(int Start, int End)> Examples(string detector) => Get(detector).Examples();

    /// <summary>The <c>value</c> group of the detector's first match that has one (scanning no further than needed).</summary>
    public string? FirstValue(string detector) => Get(detector).FirstValue();

    Scan Get(string detector)
    {
        if (_scans.TryGetValue(detector, out var scan))
        {
            return scan;
        }
        if (!_detectors.TryGetValue(detector, out var d))
        {
            throw new ArgumentException($"Unknown detector '{detector}'.", nameof(detector));
        }
        scan = new Scan(d, _text, _words, _budget);
        _scans[detector] = scan;
        return scan;
    }

    /// <summary>A detector's scan of the text, advanced on demand; the matches found so far are kept.</summary>
    sealed class Scan(Detector detector, string text, Lazy<WordStarts?> words, ScanBudget budget)
    {
        readonly List<Evidence> _spans = [];
        readonly List<string> _values = [];
        readonly DetectorCursor _cursor = new(detector, text, words.Value, budget);
        bool _done;
        bool _started;
        bool _exists;
        DetectorMatches? _complete;

        public bool TimedOut { get; private set; }

        public bool HasAny()
        {
            if (_spans.Count > 0 || _exists)
            {
                return true;
            }
            if (!_done && !_started && detector.MatchesAreNeverEmpty)
            {
                // Existence needs one branch's match, not the leftmost of all: the rest wait for Spans, if it comes.
                _started = true;
                try
                {
                    _exists = _cursor.Any();
                    _done = !_exists;
                    return _exists;
                }
                catch (ScanBudgetSpentException)
                {
                    TimedOut = true;
                    _done = true;
                    return false;
                }
            }
            while (_spans.Count == 0 && Advance())
            {
            }
            return _spans.Count > 0;
        }

        public string? FirstValue()
        {
            while (_values.Count == 0 && Advance())
            {
            }
            return _values.Count > 0 ? _values[0] : null;
        }

        public IEnumerable<(int Start, int End)> Examples()
        {
            if (_spans.Count > 0 || !detector.MatchesAreNeverEmpty || (_started && !_exists))
            {
                return Enumerate().Select(s => (s.Start, s.End));
            }
            return HasAny() ? ByBranch() : [];
        }

        IEnumerable<(int Start, int End)> ByBranch()
        {
            using var matches = _cursor.BranchMatches(ExampleAttempts).GetEnumerator();
            for (var n = 0; n < MaxMatches; n++)
            {
                try
                {
                    if (!matches.MoveNext())
                    {
                        yield break;
                    }
                }
                catch (ScanBudgetSpentException)
                {
                    TimedOut = true;
                    yield break;
                }
                yield return (matches.Current.Index, matches.Current.Index + matches.Current.Length);
            }
        }

        public IEnumerable<Evidence> Enumerate()
        {
            for (var i = 0; i < _spans.Count || Advance(); i++)
            {
                yield return _spans[i];
            }
        }

        public DetectorMatches Complete()
        {
            if (_complete is not null)
            {
                return _complete;
            }
            while (Advance())
            {
            }
            return _complete = new DetectorMatches(_spans, _values, TimedOut);
        }

        /// <summary>Finds the next match; false when the scan is over (end of text, <see cref="MaxMatches"/> or time limit).</summary>
        bool Advance()
        {
            if (_done)
            {
                return false;
            }
            _started = true;
            try
            {
                while (true)
                {
                    var next = _cursor.Next();
                    if (next is null || _spans.Count >= MaxMatches)
                    {
                        _done = true;
                        return false;
                    }
                    if (next.Length == 0)
                    {
                        continue;
                    }
                    _spans.Add(new Evidence(next.Index, next.Index + next.Length, next.Value, detector.Name));
                    if (detector.HasValue && next.Groups["value"] is { Success: true } v)
                    {
                        _values.Add(v.Value);
                    }
                    if (_spans.Count >= MaxMatches)
                    {
                        _done = true;
                    }
                    return true;
                }
            }
            catch (ScanBudgetSpentException)
            {
                TimedOut = true;
                _done = true;
                return false;
            }
        }
    }
}
