using System.Globalization;
using System.Text.RegularExpressions;


namespace ReviewService.Rules;

/// <summary>Turns the raw text a value detector captured into the value an analyst reads ("the State of New York" → "New York").</summary>
public static partial class ValueNormalizer
{
    public const string Jurisdiction = "jurisdiction";
    public const string Duration = "duration";
    public const string Date = "date";

    static readonly HashSet<string> CanadianProvinces = new(StringComparer.OrdinalIgnoreCase)
    {
        "Ontario", "Quebec", "British Columbia", "Alberta", "Manitoba", "Saskatchewan", "Nova Scotia",
        "New Brunswick", "Newfoundland and Labrador", "Prince Edward Island",
    };

    static readonly HashSet<string> AustralianStates = new(StringComparer.OrdinalIgnoreCase)
    {
        "New South Wales", "Victoria", "Queensland", "Western Australia", "South Australia", "Tasmania",
    };

    /// <summary>Abbreviations contracts use for a jurisdiction, and the name analysts (and CUAD) use.</summary>
    static readonly Dictionary<string, string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PRC"] = "People's Republic of China",
        ["P.R.C"] = "People's Republic of China",
        ["P.R. China"] = "People's Republic of China",
        ["UK"] = "United Kingdom",
        ["U.K"] = "United Kingdom",
        ["HKSAR"] = "Hong Kong",
        ["China"] = "People's Republic of China",
        ["United States of America"] = "United States",
        ["USA"] = "United States",
        ["U.S.A"] = "United States",
    };

    /// <summary>"English law", "German law": the adjective names the jurisdiction.</summary>
    static readonly Dictionary<string, string> Adjectives = new(StringComparer.OrdinalIgnoreCase)
    {
        ["English"] = "England", ["Scottish"] = "Scotland", ["Scots"] = "Scotland", ["Irish"] = "Ireland", ["German"] = "Germany",
        ["French"] = "France", ["Swiss"] = "Switzerland", ["Dutch"] = "Netherlands", ["Israeli"] = "Israel",
        ["Chinese"] = "People's Republic of China", ["Japanese"] = "Japan", ["Korean"] = "Korea", ["Indian"] = "India",
        ["Swedish"] = "Sweden", ["Danish"] = "Denmark", ["Norwegian"] = "Norway", ["Finnish"] = "Finland",
        ["Italian"] = "Italy", ["Spanish"] = "Spain", ["Belgian"] = "Belgium", ["Austrian"] = "Austria",
        ["Australian"] = "Australia", ["Canadian"] = "Canada", ["Mexican"] = "Mexico", ["Brazilian"] = "Brazil",
        ["Welsh"] = "Wales", ["Taiwanese"] = "Taiwan", ["Thai"] = "Thailand", ["Russian"] = "Russia", ["Polish"] = "Poland",
        ["Czech"] = "Czech Republic", ["Hungarian"] = "Hungary", ["Portuguese"] = "Portugal", ["Greek"] = "Greece",
        ["Turkish"] = "Turkey", ["Philippine"] = "Philippines", ["Malaysian"] = "Malaysia", ["Indonesian"] = "Indonesia",
        ["Vietnamese"] = "Vietnam", ["South African"] = "South Africa", ["Cypriot"] = "Cyprus", ["Maltese"] = "Malta",
    };

    public static string? Normalize(string? kind, string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        // A value never runs across a blank line: what follows one is the next paragraph ("the laws of the Netherlands\n\nSupplier shall").
        if (ParagraphBreak().Match(raw) is { Success: true } paragraph)
        {
            raw = raw[..paragraph.Index];
        }
        var value = Spaces().Replace(raw, " ").Trim().Trim(',', '.', ';', ':', '(', ')', '"', '\'', '“', '”');
        var normal = kind switch
        {
            Jurisdiction => NormalizeJurisdiction(value),
            _ => value,
        };
        return normal.Length == 0 ? null : normal;
    }

    static string NormalizeJurisdiction(string value)
    {
        value = value.Replace('’', '\'');
        if (value.EndsWith("Republic of China", StringComparison.OrdinalIgnoreCase) && !value.Contains("People", StringComparison.OrdinalIgnoreCase))
        {
            return "Taiwan";
        }
        value = JurisdictionPrefix().Replace(value, "");
        // In capitals a name's end cannot be told by case, so the detector's capture runs on into the sentence ("TEXAS THAT
        // APPLY TO", "DELAWARE REGARDLESS OF ITS", "ENGLAND AND WALES"): it ends before the first word that is no part of a name.
        if (value.All(c => !char.IsLetter(c) || char.IsUpper(c)))
        {
            value = NotANameInCapitals().Replace(value, "");
        }
        value = TrailingWords().Replace(value, "");
        if (value.Length == 0)
        {
            return value;
        }
        if (Abbreviations.TryGetValue(value, out var name) || Adjectives.TryGetValue(value, out name))
        {
            return name;
        }
        // A name in one case ("NEW YORK", "michigan", a choice-of-law sentence in capitals or lower case) is written as a name.
        if (value.All(c => !char.IsLetter(c) || char.IsUpper(c)) || value.All(c => !char.IsLetter(c) || char.IsLower(c)))
        {
            value = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(value.ToLowerInvariant());
        }
        if (CanadianProvinces.Contains(value))
        {
            return value + ", Canada";
        }
        return AustralianStates.Contains(value) ? value + ", Australia" : value;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n[ \t]*\r?\n")]
    private static partial Regex ParagraphBreak();

    [GeneratedRegex(@"\s+(?:THAT|WHICH|WHO|IN|AT|TO|FOR|BY|WITH|WITHOUT|REGARDLESS|IRRESPECTIVE|EXCEPT|EXCLUDING|INCLUDING|BUT|NOT|AND|OR|AS|APPLICABLE|ITS|THE|SHALL|WILL|IS|ARE|NOTWITHSTANDING|GOVERNING|APPLIED|APPLYING)\b.*$")]
    private static partial Regex NotANameInCapitals();

    [GeneratedRegex(@"^(?:(?:the|internal|substantive|laws?|of|state|commonwealth|province|republic)(?:\s+|$))+", RegexOptions.IgnoreCase)]
    private static partial Regex JurisdictionPrefix();

    [GeneratedRegex(@"(?<=\w)\s*(?:,\s*)?(?:U\.?S\.?A\.?|United States(?: of America)?)$|\s+(?:law|laws|without|excluding|applicable|and the|as applied|Special Administrative|SAR)\b.*$|(?<=\w)\s+State$", RegexOptions.IgnoreCase)]
    private static partial Regex TrailingWords();
}
