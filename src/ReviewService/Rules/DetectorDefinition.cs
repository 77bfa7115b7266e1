using System.Text.RegularExpressions;

namespace ReviewService.Rules;

/// <summary>A named pattern over the document text, as declared in a policy's detectors file.</summary>
public sealed record DetectorDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>A .NET regular expression. A named group <c>value</c> yields the detector's value.</summary>
    public string? Pattern { get; init; }
    /// <summary>Alternatively, a keyword list: matched as whole words, case-insensitive.</summary>
    public IReadOnlyList<string>? Keywords { get; init; }
    public bool CaseSensitive { get; init; }
}

/// <summary>A detector ready to run: the compiled expression of its definition.</summary>
public sealed class Detector
{
    // Rule files are trusted, but a pathological pattern must not hang a worker.
    static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    public Detector(DetectorDefinition definition)
    {
        Definition = definition;
        var pattern = definition.Pattern
            ?? @"\b(?:" + string.Join('|', definition.Keywords!.Select(k => Regex.Escape(k.Trim()).Replace(@"\ ", @"\s+"))) + @")\b";
        var options = RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;
        if (!definition.CaseSensitive)
        {
            options |= RegexOptions.IgnoreCase;
        }
        Regex = new Regex(pattern, options, MatchTimeout);
        HasValue = Regex.GetGroupNames().Contains("value");
    }

    public DetectorDefinition Definition { get; }
    public string Name => Definition.Name;
    public Regex Regex { get; }
    public bool HasValue { get; }
}
