using System.Text.Json;

namespace ReviewService.Retrieval;

/// <summary>
/// <c>rules/&lt;policy&gt;/retrieval.json</c>: per check, the terms that set its labelled clauses apart from the rest of the
/// contracts, with their weights (log-odds), mined by the evaluation command (<c>--out rules/&lt;policy&gt;</c>) from a labelled data set and
/// stamped with it. Versioned with the policy like every file in its folder. Optional: without it, a check's query is the
/// words of its title and question.
/// </summary>
public sealed record RetrievalProfile
{
    public const string FileName = "retrieval.json";

    public string? Description { get; init; }
    /// <summary>Where the profile was mined from, so a reader knows which contracts it has seen.</summary>
    public required ProfileSource Source { get; init; }
    /// <summary>BM25's term-frequency saturation.</summary>
    public double K1 { get; init; } = 1.2;
    /// <summary>BM25's length normalisation.</summary>
    public double B { get; init; } = 0.75;
    public required IReadOnlyDictionary<string, CheckProfile> Checks { get; init; }

    public static RetrievalProfile? Read(string directory, List<string> errors)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        var shown = $"{Path.GetFileName(directory)}/{FileName}";
        try
        {
            var profile = JsonSerializer.Deserialize<RetrievalProfile>(File.ReadAllText(path), Policies.PolicyLoader.Json)
                ?? throw new JsonException("the file is empty");
            foreach (var (check, p) in profile.Checks)
            {
                foreach (var (term, weight) in p.Terms.Where(t => !double.IsFinite(t.Value) || t.Value <= 0 || !LegalTerms.IsTerm(t.Key)))
                {
                    errors.Add($"{shown}: check '{check}': term '{term}' must be a lower-case word or number (as LegalTerms writes terms) with a positive weight (got {weight}).");
                }
            }
            return profile;
        }
        catch (JsonException e)
        {
            errors.Add($"{shown}: {e.Message}");
            return null;
        }
    }
}

/// <summary>The data set a profile was mined from.</summary>
public sealed record ProfileSource(string Dataset, string Split, int Contracts, string LabelsSha256, DateOnly Built);

/// <summary>One check's terms and weights, and how many labelled clauses and contracts they came from.</summary>
public sealed record CheckProfile(int Clauses, int Contracts, IReadOnlyDictionary<string, double> Terms);
