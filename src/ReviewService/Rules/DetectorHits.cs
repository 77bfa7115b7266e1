using ReviewService.Decisions;

namespace ReviewService.Rules;

/// <summary>One detector's matches in a document.</summary>
public sealed record DetectorMatches(IReadOnlyList<Evidence> Spans, IReadOnlyList<string> Values, bool TimedOut);

/// <summary>
/// The detectors of a policy applied to one document, as rule expressions see it (parameter <c>doc</c>):
/// <c>doc.Has("x")</c>, <c>doc.Count("x")</c>, <c>doc.Near("x", "y", 300)</c>.
/// Detectors run lazily, the first time a rule asks for them, and only as far as the question needs:
/// <c>Has</c> stops at the first match, <see cref="Spans"/> where its caller stops; <c>Count</c>, <c>Near</c> and
/// <see cref="Matches"/> scan the whole text (once). The first detector to run finds where every anchor occurs
/// (<see cref="DetectorSet.Find"/>, one pass); each detector then tries each form only where its anchors are, in text
/// order (forms in order at one place), going on after the end of each match: the matches a search of the whole text
/// finds, as long as the anchors are right (the differential tests check the shipped policy on every cuad-dev contract).
/// </summary>
public sealed class DetectorHits : IDisposable
{
    /// <summary>Counts saturate here: no rule needs more, and a hostile document cannot make the list unbounded.</summary>
    public const int MaxMatches = 500;

    readonly string _text;
    readonly DetectorSet _detectors;
    readonly Dictionary<string, Scan> _scans = new(StringComparer.Ordinal);
    readonly Lazy<DetectorSet.Anchors> _anchors;
    readonly ScanBudget _budget;

    /// <summary>The detectors over <paramref name="text"/>, which together may spend <paramref name="budget"/> on it (<see cref="ScanBudget.For"/> its length when null).</summary>
    public DetectorHits(string text, DetectorSet detectors, ScanBudget? budget = null)
    {
        // Detectors read across page breaks (PageFurniture); the text keeps its length, so spans are the document's.
        _text = PageFurniture.Blank(text);
        _detectors = detectors;
        _budget = budget ?? ScanBudget.For(text.Length);
        _anchors = new(() => detectors.Find(_text), LazyThreadSafetyMode.None);
    }

    /// <summary>The text the detectors read: the document with its page furniture blanked, of the same length.</summary>
    public string Text => _text;

    /// <summary>Gives the anchor index's arrays back to the shared pool; matches already found stay readable.</summary>
    public void Dispose()
    {
        if (_anchors.IsValueCreated)
        {
            _anchors.Value?.Dispose();
        }
    }

    public bool Has(string detector) => Get(detector).Any();

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
    /// How many match attempts <see cref="Examples"/> spends on a detector's forms: a reader's passages are a sample, not a
    /// proof that there are no more.
    /// </summary>
    public const int ExampleAttempts = 1000;

    /// <summary>
    /// Matches of the detector to show a reader, scanning little beyond what the rules scanned: when its matches in text
    /// order are being read already (<see cref="Count"/>, <see cref="Spans"/>), those; otherwise the matches of its forms,
    /// form by form in declared order, each form's in text order, within <see cref="ExampleAttempts"/>. Why not always the
    /// first matches in the text: proving that no form matches before a given one means trying every form up to there,
    /// which cost a third of the rules stage, for passages no better at showing what the detector found.
    /// </summary>
    public IEnumerable<(int Start, int End)> Examples(string detector) => Get(detector).Examples();

    /// <summary>
    /// Whether the detector has a match starting from <paramref name="from"/> up to <paramref name="to"/>, trying its forms only
    /// at their anchors in that window: a question about one clause costs a few attempts, not a scan of the text.
    /// </summary>
    public bool AnyWithin(string detector, int from, int to) => Get(detector).AnyWithin(from, to);

    /// <summary>The detector's matches that have a <c>value</c> group, with it, in text order, scanning only as far as the caller enumerates.</summary>
    public IEnumerable<(Evidence Span, string Value)> Values(string detector) => Get(detector).EnumerateValues();

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
        scan = new Scan(d, _text, _anchors.Value, _detectors.AnchorsOf[detector], _detectors.ContextOf[detector], _budget);
        _scans[detector] = scan;
        return scan;
    }

    /// <summary>A detector's scan of the text, advanced on demand; the matches found so far are kept.</summary>
    sealed class Scan(Detector detector, string text, DetectorSet.Anchors anchors, IReadOnlyList<int[]> forms,
        IReadOnlyList<(DetectorSet.Context? After, DetectorSet.Context? Unless)> contexts, ScanBudget budget)
    {
        readonly List<Evidence> _spans = [];
        // The matches that have a value: the match's index in _spans, and the value.
        readonly List<(int Span, string Value)> _values = [];
        readonly int[]?[] _places = new int[forms.Count][];
        // The scan in text order: the index of each form's next place, and where the last match ended.
        int[]? _next;
        int _position;
        bool? _exists;
        bool _done;
        DetectorMatches? _complete;

        public bool TimedOut { get; private set; }

        // Where a form is tried: the places of its anchors, ascending, each once ("assign*" and "assignment" start at one place).
        int[] Places(int form)
        {
            if (_places[form] is null)
            {
                if (forms[form] is [var only])
                {
                    return _places[form] = anchors[only];
                }
                int[] all = [.. forms[form].SelectMany(a => anchors[a])];
                Array.Sort(all);
                var n = 0;
                foreach (var place in all)
                {
                    all[n] = place;
                    n += n == 0 || all[n - 1] != place ? 1 : 0;
                }
                _places[form] = n == all.Length ? all : all[..n];
            }
            return _places[form]!;
        }

        // The length of the form's match at the place, 0 when there is none (an empty match counts as none). The context,
        // looked up in the anchors, is checked first: it costs no match attempt.
        int MatchAt(int form, int place, bool charge = true)
        {
            if (contexts[form] is var (after, unless) && (after is not null && !anchors.Holds(after, place) || unless is not null && anchors.Holds(unless, place)))
            {
                return 0;
            }
            if (charge)
            {
                budget.Charge();
            }
            foreach (var match in detector.Forms[form].Anchored.EnumerateMatches(text, place))
            {
                return match.Length;
            }
            return 0;
        }

        // Runs part of the scan; when the scan budget runs out, the scan is over and the answer is false.
        bool Guarded(Func<bool> scan)
        {
            try
            {
                return scan();
            }
            catch (ScanBudgetSpentException)
            {
                TimedOut = _done = true;
                return false;
            }
        }

        /// <summary>
        /// Whether the detector matches anywhere: before the scan in text order has started, the forms are tried in turn, each
        /// at its own anchors, and the first match of any answers (a form matching early costs the others nothing).
        /// </summary>
        public bool Any() => _exists ??= _spans.Count > 0 || (_next is not null
            ? Advance()
            : Guarded(() => Enumerable.Range(0, forms.Count).Any(form => Places(form).Any(place => MatchAt(form, place) > 0))));

        public bool AnyWithin(int from, int to) => Guarded(() => Enumerable.Range(0, forms.Count).Any(form =>
        {
            var places = Places(form);
            var first = Array.BinarySearch(places, from);
            for (var i = first < 0 ? ~first : first; i < places.Length && places[i] < to; i++)
            {
                if (MatchAt(form, places[i]) > 0)
                {
                    return true;
                }
            }
            return false;
        }));

        public IEnumerable<(Evidence Span, string Value)> EnumerateValues()
        {
            for (var i = 0; i < _values.Count || AdvanceToValue(); i++)
            {
                yield return (_spans[_values[i].Span], _values[i].Value);
            }
        }

        bool AdvanceToValue()
        {
            var count = _values.Count;
            while (_values.Count == count && Advance())
            {
            }
            return _values.Count > count;
        }

        public IEnumerable<(int Start, int End)> Examples() =>
            _spans.Count > 1 || (_done && _spans.Count > 0) ? Enumerate().Select(s => (s.Start, s.End)) : Any() ? ByForm() : [];

        // The matches of each form in declared order, each form's in text order, within ExampleAttempts (not charged to the budget).
        IEnumerable<(int Start, int End)> ByForm()
        {
            var attempts = 0;
            for (var form = 0; form < forms.Count; form++)
            {
                var after = 0;
                foreach (var place in Places(form).Where(place => place >= after))
                {
                    if (++attempts > ExampleAttempts)
                    {
                        yield break;
                    }
                    if (MatchAt(form, place, charge: false) is var length and > 0)
                    {
                        after = place + length;
                        yield return (place, after);
                    }
                }
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
            while (_complete is null && Advance())
            {
            }
            return _complete ??= new DetectorMatches(_spans, [.. _values.Select(v => v.Value)], TimedOut);
        }

        /// <summary>Finds the next match; false when the scan is over (end of text, <see cref="MaxMatches"/> or the scan budget).</summary>
        bool Advance() => !_done && Guarded(() =>
        {
            if (Next() is not var (start, length, form))
            {
                return !(_done = true);
            }
            _spans.Add(new Evidence(start, start + length, text.Substring(start, length), detector.Name));
            if (detector.HasValue && detector.Forms[form].Anchored.Match(text, start).Groups["value"] is { Success: true } value)
            {
                _values.Add((_spans.Count - 1, value.Value));
            }
            _done = _spans.Count >= MaxMatches;
            return true;
        });

        // The next non-empty match at or after the end of the previous one, and its form: the forms' places merged in text
        // order, forms in declared order at one place.
        (int Start, int Length, int Form)? Next()
        {
            _next ??= new int[forms.Count];
            while (true)
            {
                var form = -1;
                for (var f = 0; f < forms.Count; f++)
                {
                    var places = Places(f);
                    while (_next[f] < places.Length && places[_next[f]] < _position)
                    {
                        _next[f]++;
                    }
                    if (_next[f] < places.Length && (form < 0 || places[_next[f]] < Places(form)[_next[form]]))
                    {
                        form = f;
                    }
                }
                if (form < 0)
                {
                    return null;
                }
                var place = Places(form)[_next[form]++];
                if (MatchAt(form, place) is var length and > 0)
                {
                    _position = place + length;
                    return (place, length, form);
                }
            }
        }
    }
}
