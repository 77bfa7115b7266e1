using System.Text.RegularExpressions;

namespace ReviewService.Rules;

/// <summary>One detector's matches in a document.</summary>
public sealed record DetectorMatches(IReadOnlyList<Evidence> Spans, IReadOnlyList<string> Values, bool TimedOut);

/// <summary>
/// The detectors of a policy applied to one document, as rule expressions see it (parameter <c>doc</c>):
/// <c>doc.Has("x")</c>, <c>doc.Count("x")</c>, <c>doc.Near("x", "y", 300)</c>.
/// Detectors run lazily, once each, the first time a rule asks for them.
/// </summary>
public sealed class DetectorHits
{
    /// <summary>Counts saturate here: no rule needs more, and a hostile document cannot make the list unbounded.</summary>
    public const int MaxMatches = 500;

    readonly string _text;
    readonly IReadOnlyDictionary<string, Detector> _detectors;
    readonly Dictionary<string, DetectorMatches> _matches = new(StringComparer.Ordinal);

    public DetectorHits(string text, IReadOnlyDictionary<string, Detector> detectors)
    {
        _text = text;
        _detectors = detectors;
    }

    public bool Has(string detector) => Matches(detector).Spans.Count > 0;

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

    public IEnumerable<string> TimedOutDetectors => _matches.Where(m => m.Value.TimedOut).Select(m => m.Key);

    public DetectorMatches Matches(string detector)
    {
        if (_matches.TryGetValue(detector, out var found))
        {
            return found;
        }
        if (!_detectors.TryGetValue(detector, out var d))
        {
            throw new ArgumentException($"Unknown detector '{detector}'.", nameof(detector));
        }
        found = Run(d);
        _matches[detector] = found;
        return found;
    }

    DetectorMatches Run(Detector detector)
    {
        var spans = new List<Evidence>();
        var values = new List<string>();
        try
        {
            for (var m = detector.Regex.Match(_text); m.Success && spans.Count < MaxMatches; m = m.NextMatch())
            {
                if (m.Length == 0)
                {
                    continue;
                }
                spans.Add(new Evidence(m.Index, m.Index + m.Length, m.Value, detector.Name));
                if (detector.HasValue && m.Groups["value"] is { Success: true } v)
                {
                    values.Add(v.Value);
                }
            }
            return new DetectorMatches(spans, values, TimedOut: false);
        }
        catch (RegexMatchTimeoutException)
        {
            return new DetectorMatches(spans, values, TimedOut: true);
        }
    }
}
