using System.Text.RegularExpressions;

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
public sealed class DetectorHits
{
    /// <summary>Counts saturate here: no rule needs more, and a hostile document cannot make the list unbounded.</summary>
    public const int MaxMatches = 500;

    readonly string _text;
    readonly DetectorSet _detectors;
    readonly Dictionary<string, Scan> _scans = new(StringComparer.Ordinal);
    readonly Lazy<List<int>[]?> _anchors;
    readonly ScanBudget _budget;

    /// <summary>The detectors over <paramref name="text"/>, which together may spend <paramref name="budget"/> on it (<see cref="ScanBudget.For"/> its length when null).</summary>
    public DetectorHits(string text, DetectorSet detectors, ScanBudget? budget = null)
    {
        _text = text;
        _detectors = detectors;
        _budget = budget ?? ScanBudget.For(text.Length);
        _anchors = new(() => detectors.Find(text), LazyThreadSafetyMode.None);
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
        scan = new Scan(d, _text, _anchors.Value, _detectors.AnchorsOf[detector], _budget);
        _scans[detector] = scan;
        return scan;
    }

    /// <summary>A detector's scan of the text, advanced on demand; the matches found so far are kept.</summary>
    sealed class Scan(Detector detector, string text, List<int>[]? anchors, IReadOnlyList<int[]> forms, ScanBudget budget)
    {
        readonly List<Evidence> _spans = [];
        readonly List<string> _values = [];
        // The next place of each form's anchor not tried yet, by place, then form: (form, anchor, index in the anchor's places).
        PriorityQueue<(int Form, int Anchor, int Index), (int Position, int Form)>? _next;
        (int Position, int Form) _tried = (-1, -1);
        bool? _exists;
        int _position;
        bool _done;
        DetectorMatches? _complete;

        public bool TimedOut { get; private set; }

        /// <summary>
        /// Whether the detector matches anywhere: before the scan in text order has started, the forms are tried in turn, each
        /// at its own anchors, and the first match of any answers (a form matching early costs the others nothing).
        /// </summary>
        public bool Any()
        {
            if (_exists is { } known)
            {
                return known;
            }
            if (_spans.Count > 0 || _next is not null || anchors is null)
            {
                while (_spans.Count == 0 && Advance())
                {
                }
                return (_exists = _spans.Count > 0).Value;
            }
            try
            {
                _exists = ByForm(int.MaxValue, charge: true).Any();
            }
            catch (ScanBudgetSpentException)
            {
                TimedOut = true;
                _done = true;
                _exists = false;
            }
            return _exists.Value;
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
            if (_spans.Count > 1 || (_done && _spans.Count > 0) || anchors is null)
            {
                return Enumerate().Select(s => (s.Start, s.End));
            }
            return Any() ? ByForm(ExampleAttempts, charge: false) : [];
        }

        // The matches of each form in declared order, each form's in text order, within the given attempts.
        IEnumerable<(int Start, int End)> ByForm(int maxAttempts, bool charge)
        {
            var attempts = 0;
            for (var form = 0; form < forms.Count && attempts < maxAttempts; form++)
            {
                var anchorsOfForm = forms[form];
                var places = anchorsOfForm.Length == 1 ? anchors![anchorsOfForm[0]] : anchorsOfForm.SelectMany(a => anchors![a]).Order().Distinct();
                var after = 0;
                foreach (var place in places)
                {
                    if (place < after)
                    {
                        continue;
                    }
                    if (++attempts > maxAttempts)
                    {
                        yield break;
                    }
                    if (charge)
                    {
                        budget.Charge();
                    }
                    if (detector.Forms[form].Anchored.Match(text, place) is { Success: true, Length: > 0 } match)
                    {
                        after = match.Index + match.Length;
                        yield return (match.Index, after);
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
            if (_complete is not null)
            {
                return _complete;
            }
            while (Advance())
            {
            }
            return _complete = new DetectorMatches(_spans, _values, TimedOut);
        }

        /// <summary>Finds the next match; false when the scan is over (end of text, <see cref="MaxMatches"/> or the scan budget).</summary>
        bool Advance()
        {
            if (_done)
            {
                return false;
            }
            try
            {
                if (Next() is not { } next)
                {
                    _done = true;
                    return false;
                }
                _spans.Add(new Evidence(next.Index, next.Index + next.Length, next.Value, detector.Name));
                if (detector.HasValue && next.Groups["value"] is { Success: true } v)
                {
                    _values.Add(v.Value);
                }
                _done = _spans.Count >= MaxMatches;
                return true;
            }
            catch (ScanBudgetSpentException)
            {
                TimedOut = true;
                _done = true;
                return false;
            }
        }

        // The next non-empty match at or after the end of the previous one: at the anchors, or searching the rest of the text.
        Match? Next()
        {
            if (anchors is null)
            {
                while (_position <= text.Length)
                {
                    budget.Charge(text.Length - _position);
                    var match = detector.Regex.Match(text, _position);
                    if (!match.Success)
                    {
                        return null;
                    }
                    _position = match.Index + Math.Max(match.Length, 1);
                    if (match.Length > 0)
                    {
                        return match;
                    }
                }
                return null;
            }
            _next ??= new(forms.SelectMany((anchorsOfForm, form) => anchorsOfForm.Where(a => anchors[a].Count > 0)
                .Select(a => ((form, a, 0), (anchors[a][0], form)))));
            while (_next.TryDequeue(out var at, out var place))
            {
                var places = anchors[at.Anchor];
                // Places inside the last match are skipped at once; the anchor's next place goes back in the queue.
                var index = place.Position >= _position ? at.Index + 1 : places.BinarySearch(at.Index, places.Count - at.Index, _position, null);
                index = index < 0 ? ~index : index;
                if (index < places.Count)
                {
                    _next.Enqueue((at.Form, at.Anchor, index), (places[index], at.Form));
                }
                // Two anchors of a form can start at one place ("assign*", "assignment"): it is tried once.
                if (place.Position < _position || place == _tried)
                {
                    continue;
                }
                _tried = place;
                budget.Charge();
                if (detector.Forms[place.Form].Anchored.Match(text, place.Position) is { Success: true, Length: > 0 } match)
                {
                    _position = match.Index + match.Length;
                    return match;
                }
            }
            return null;
        }
    }
}
