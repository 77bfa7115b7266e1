using System.Text.Json;

namespace ReviewService.Eval;

/// <summary>One labelled contract: its text and CUAD's labels, keyed by category.</summary>
public sealed record LabelledContract(string Id, string Text, IReadOnlyDictionary<string, CategoryLabel> Labels);

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
            .Select(l => JsonSerializer.Deserialize<Line>(l, Json)!)
            .OrderBy(l => l.Id, StringComparer.Ordinal)
            .Select(l => new LabelledContract(l.Id, File.ReadAllText(Path.Combine(directory, "contracts", l.Id + ".txt")), l.Labels))];
    }
}
