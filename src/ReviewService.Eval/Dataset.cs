using System.Text.Json;

namespace ReviewService.Eval;

/// <summary>One labelled contract: its text, CUAD's labels keyed by category, and its line in <c>labels.jsonl</c> (which fixes the halves).</summary>
public sealed record LabelledContract(string Id, string Text, IReadOnlyDictionary<string, CategoryLabel> Labels, int Line = 0);

public sealed record CategoryLabel(string Answer, IReadOnlyList<string> Clauses)
{
    /// <summary>Ground truth as the data set defines it: "Yes" for yes/no categories, otherwise a non-empty clause list.</summary>
    public bool IsPresent => Answer is "Yes" or "No" ? Answer == "Yes" : Clauses.Count > 0;
}

public static class Dataset
{
    sealed record Line(string Id, Dictionary<string, CategoryLabel> Labels);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<LabelledContract> Load(string directory)
    {
        var labels = Path.Combine(directory, "labels.jsonl");
        if (!File.Exists(labels))
        {
            throw new FileNotFoundException($"No labels.jsonl in {directory}: expected the layout of cuad-dev (contracts/*.txt + labels.jsonl).", labels);
        }
        return [.. File.ReadLines(labels)
            .Where(l => l.Length > 0)
            .Select((l, index) => (Line: JsonSerializer.Deserialize<Line>(l, Json)!, Index: index))
            .OrderBy(l => l.Line.Id, StringComparer.Ordinal)
            .Select(l => new LabelledContract(l.Line.Id, File.ReadAllText(Path.Combine(directory, "contracts", l.Line.Id + ".txt")), l.Line.Labels, l.Index))];
    }

    /// <summary>The half a contract belongs to: <see cref="TuningHalf"/> (even line) or <see cref="HeldOutHalf"/> (odd line).</summary>
    public static string HalfOf(LabelledContract contract) => contract.Line % 2 == 0 ? TuningHalf : HeldOutHalf;

    public const string TuningHalf = "A";

    /// <summary>The half read by its aggregates only: reports written for people name none of its contracts.</summary>
    public const string HeldOutHalf = "B";

    /// <summary>
    /// The fixed halves of a data set: <c>even</c> (half A, even line indexes of <c>labels.jsonl</c>: written and tuned on),
    /// <c>odd</c> (half B: only its aggregates are read), or <c>all</c>; <c>even/0</c> and <c>even/1</c> split half A in two
    /// (line indexes 0 and 2 modulo 4) to cross-validate settings within it.
    /// </summary>
    public static IReadOnlyList<LabelledContract> Half(IReadOnlyList<LabelledContract> contracts, string half) => half switch
    {
        "all" => contracts,
        "even" => [.. contracts.Where(c => c.Line % 2 == 0)],
        "odd" => [.. contracts.Where(c => c.Line % 2 == 1)],
        // The two halves of half A, to cross-validate a setting without reading half B.
        "even/0" => [.. contracts.Where(c => c.Line % 4 == 0)],
        "even/1" => [.. contracts.Where(c => c.Line % 4 == 2)],
        _ => throw new ArgumentException($"--half must be even, odd, all, even/0 or even/1 (got '{half}')."),
    };
}
