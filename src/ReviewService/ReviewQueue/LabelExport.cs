using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ReviewService.Decisions;
using ReviewService.Http;
using ReviewService.Policies;
using ReviewService.Storage;

namespace ReviewService.ReviewQueue;

/// <summary>
/// <c>GET /v1/queue/export?policy=</c>: reviewer verdicts as a labelled data set in the layout of cuad-dev
/// (<c>contracts/&lt;id&gt;.txt</c> + <c>labels.jsonl</c>), so <c>ReviewService.Eval --data</c> measures the policy on real decisions.
/// </summary>
public static class LabelExport
{
    static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetAsync(string? policy, IQueueStore store, PolicyCatalog policies, CancellationToken ct)
    {
        if (policies.Find(policy) is not { } loaded)
        {
            return new Failure(FailureKind.Invalid, "Unknown policy",
                $"Name a loaded policy: ?policy={string.Join(" or ?policy=", policies.All.Select(p => p.Name))}.").ToProblem();
        }
        // A temporary file, not memory: the export holds every reviewed document's text.
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        var count = await WriteAsync(file, loaded, store.ReadLabelledAsync(loaded.Name, ct), ct);
        file.Position = 0;
        return TypedResults.File(file, "application/zip", $"{loaded.Name}-verdicts-{count}.zip");
    }

    /// <summary>Writes the zip; returns how many documents it holds.</summary>
    public static async Task<int> WriteAsync(Stream output, Policy policy, IAsyncEnumerable<LabelledReview> reviews, CancellationToken ct)
    {
        var count = 0;
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        var lines = new StringBuilder();
        await foreach (var review in reviews.WithCancellation(ct))
        {
            var labels = Labels(policy, review);
            if (labels.Count == 0)
            {
                continue;
            }
            var id = review.ReviewId.ToString();
            await using (var entry = zip.CreateEntry($"contracts/{id}.txt", CompressionLevel.Optimal).Open())
            {
                await entry.WriteAsync(Encoding.UTF8.GetBytes(review.Text), ct);
            }
            lines.AppendLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["id"] = id, ["source_file"] = review.FileName, ["chars"] = review.Text.Length, ["labels"] = labels,
            }, Json));
            count++;
        }
        await using (var entry = zip.CreateEntry("labels.jsonl").Open())
        {
            await entry.WriteAsync(Encoding.UTF8.GetBytes(lines.ToString()), ct);
        }
        await using (var readme = zip.CreateEntry("README.md").Open())
        {
            await readme.WriteAsync(Encoding.UTF8.GetBytes(
                $"# Reviewer verdicts: {policy.Name}\n\n{count} documents with the verdicts of ReviewService reviewers (the latest per check), "
                + "in the layout of cuad-dev. Only the checks a reviewer decided are labelled; a check with a value (governing law, renewal term) "
                + "carries it as the answer and its evidence as clauses, every other check answers Yes or No.\n"), ct);
        }
        return count;
    }

    /// <summary>CUAD's convention: Yes/No for a yes/no category; for a category with a value, the value and the clauses (present ⇔ clauses).</summary>
    static Dictionary<string, object> Labels(Policy policy, LabelledReview review)
    {
        var findings = review.Findings.ToDictionary(f => f.Check, StringComparer.Ordinal);
        var labels = new Dictionary<string, object>();
        foreach (var (check, outcome) in review.Verdicts)
        {
            if (policy.Checks.GetValueOrDefault(check) is not { CuadCategory: { } category } definition)
            {
                continue;
            }
            var present = outcome == Outcome.Present;
            var finding = findings.GetValueOrDefault(check);
            var clauses = present ? Clauses(finding) : [];
            labels[category] = definition.ValueKind is null
                ? new { answer = present ? "Yes" : "No", clauses }
                : new { answer = present ? finding?.Value ?? "" : "", clauses };
        }
        return labels;
    }

    static string[] Clauses(CheckFinding? finding)
    {
        var spans = finding is null ? [] : finding.Evidence.Count > 0 ? finding.Evidence : finding.Candidates;
        return spans.Count > 0 ? [.. spans.Select(s => s.Text)] : ["(marked present by a reviewer)"];
    }
}
