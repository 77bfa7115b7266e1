using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ReviewService.Eval;

public static class ReportWriter
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Write(EvalReport report, string jsonPath, string markdownPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!);
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(report, Json));
        // Notes a person keeps beside the report (how the rules were tuned, the speed measured) survive a re-run.
        var notes = Path.ChangeExtension(markdownPath, ".notes.md");
        File.WriteAllText(markdownPath, Markdown(report) + (File.Exists(notes) ? Environment.NewLine + File.ReadAllText(notes) : ""));
    }

    public static EvalReport Read(string path) => JsonSerializer.Deserialize<EvalReport>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path} is not an evaluation report.");

    public static string OneLine(EvalReport r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Policy} {r.PolicyVersion}: {r.Documents} documents, coverage {r.Overall.Coverage:0.000}, decided accuracy {r.Overall.DecidedAccuracy:0.000}, " +
        $"governing law {r.Extractions.GoverningLaw.Accuracy:0.000}, rules stage {r.Overall.MegabytesPerSecond:0.0} MB/s");

    public static string RetrievalLine(EvalReport r) => r.Retrieval is not { } x ? "" : string.Create(CultureInfo.InvariantCulture,
        $"judgeRecall {x.JudgeRecall:0.000} ({x.Recalled} of {x.Pairs}; own passages {x.OwnPassagesRecall:0.000}), passages {x.PassageShareOfDocumentTokens:P1} of the document's tokens over {x.ReviewsSendingPassages} reviews, LLM prompt tokens avoided {x.LlmCost.AvoidedShare:P1} ({x.LlmCost.SentTokens:N0} sent of {x.LlmCost.AllChecksWholeDocumentTokens:N0}){(x.WholeDocumentMode ? ", whole-document mode" : "")}");

    public static string EvidenceLine(EvalReport r) => r.Evidence is not { } e ? "" : string.Create(CultureInfo.InvariantCulture,
        $"present evidence readable {e.ReadableShare:0.000} ({e.Readable} of {e.PresentFindings} at {Retrieval.Clauses.MinCharacters}+ characters and {Retrieval.Clauses.MinWords}+ words), median {e.MedianCharacters} characters, longest {e.LongestCharacters}");

    public static string CalibrationLine(EvalReport r) => r.Calibration is not { } c ? "" : string.Create(CultureInfo.InvariantCulture,
        $"calibration: ECE {c.Ece:0.000} over {c.Decided} decided pairs ({string.Join(", ", c.Bins.Select(b => $"{b.From:0.0}-{b.To:0.0}: {b.Pairs} at {b.MeanConfidence:0.000} stated, {b.Accuracy:0.000} right"))})");

    public static string TargetsLine(EvalReport r) => r.Targets is not { } t ? "" : string.Create(CultureInfo.InvariantCulture,
        $"at target accuracy {string.Join("; ", t.Select(x => $"{x.Target:0.00}: rules final on {x.Coverage:0.000} of pairs, {x.DecidedAccuracy:0.000} right"))}")
        + (r.PolicyTarget is { } p ? string.Create(CultureInfo.InvariantCulture,
            $"; at the policy's target ({p.Target:0.00}): rules final on {p.Coverage:0.000} of pairs ({p.Final}), {p.DecidedAccuracy:0.000} right, every check final in {p.ContractsAllFinalShare:0.000} of contracts") : "");

    static string Markdown(EvalReport r)
    {
        var s = new StringBuilder();
        var o = r.Overall;
        s.AppendLine(CultureInfo.InvariantCulture, $"# Evaluation of `{r.Policy}` (version `{r.PolicyVersion}`)");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"{r.Documents} documents, {o.Pairs} (contract, check) pairs. The rules decided {o.DecidedByRules} ({o.Coverage:P1}) " +
            $"with decided accuracy {o.DecidedAccuracy:P1}; {o.Undetermined} pairs stay undetermined for the judge and the reviewers.");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Governing law extracted correctly for {r.Extractions.GoverningLaw.Correct} of {r.Extractions.GoverningLaw.Expected} contracts that have one ({r.Extractions.GoverningLaw.Accuracy:P1}).");
        s.AppendLine();
        if (r.Calibration is { } calibration)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"Confidence of the rules' decisions against their accuracy here (ten bins of confidence; ECE, the gap weighted by pairs: {calibration.Ece:0.000}):");
            s.AppendLine();
            s.AppendLine("| confidence | pairs | mean confidence | accuracy |");
            s.AppendLine("|---|---:|---:|---:|");
            foreach (var b in calibration.Bins)
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"| {b.From:0.0}–{b.To:0.0} | {b.Pairs} | {b.MeanConfidence:0.000} | {b.Accuracy:0.000} |");
            }
            s.AppendLine();
        }
        if (r.Targets is not null)
        {
            s.AppendLine("What stays final at a target accuracy (a rules decision whose calibrated confidence is below the target goes to the judge or a reviewer): " + TargetsLine(r) + ".");
            s.AppendLine();
        }
        if (r.Evidence is not null)
        {
            s.AppendLine("Evidence of the rules' present decisions (the clause holding the match): " + EvidenceLine(r) + ".");
            s.AppendLine();
        }
        s.AppendLine(CultureInfo.InvariantCulture, $"Rules stage: {o.ElapsedSeconds:0.000} s, {o.MegabytesPerSecond:0.0} MB/s (one run, includes warm-up; the benchmark gives the steady figure).");
        s.AppendLine();
        s.AppendLine("Coverage = decided by rules / pairs. Decided accuracy = correct / decided. Precision and recall are over decided pairs.");
        s.AppendLine();
        s.AppendLine("| check | CUAD category | tp | fp | tn | fn | undetermined | coverage | decided accuracy | precision | recall |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in r.Checks.OrderBy(c => c.DecidedAccuracy))
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {c.Check} | {c.CuadCategory} | {c.Tp} | {c.Fp} | {c.Tn} | {c.Fn} | {c.Undetermined} | {c.Coverage:0.000} | {c.DecidedAccuracy:0.000} | {c.Precision:0.000} | {c.Recall:0.000} |");
        }
        if (r.Retrieval is { } retrieval)
        {
            s.AppendLine();
            s.AppendLine("## Retrieval: what the judge is sent");
            s.AppendLine();
            s.AppendLine(RetrievalLine(r) + ".");
            s.AppendLine();
            s.AppendLine("judgeRecall: of the pairs the rules leave undetermined whose labelled clause is in the text, the share with at least half of one labelled clause inside the passages sent for the review; own passages: inside the passages listed for the check itself.");
            s.AppendLine();
            s.AppendLine("| check | pairs | judgeRecall | own passages |");
            s.AppendLine("|---|---:|---:|---:|");
            foreach (var c in retrieval.Checks)
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"| {c.Check} | {c.Pairs} | {c.Recall:0.000} | {c.OwnRecall:0.000} |");
            }
        }
        if (r.Extractions.GoverningLaw.Misses.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("## Governing law: misses");
            s.AppendLine();
            if (r.Extractions.GoverningLaw.Kinds is { } k)
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"By kind: no value {k.NoValue}; present without a value {k.PresentWithoutValue}; another value from a labelled clause {k.OtherValueInLabelledClause}; another value from elsewhere {k.OtherValueElsewhere}.");
                s.AppendLine();
            }
            s.AppendLine("| contract | CUAD answer | extracted |");
            s.AppendLine("|---|---|---|");
            foreach (var m in r.Extractions.GoverningLaw.Misses.Where(m => m.Half != Dataset.HeldOutHalf))
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"| {m.Contract} | {m.Expected} | {m.Extracted ?? "(none)"} |");
            }
            if (r.Extractions.GoverningLaw.Misses.Count(m => m.Half == Dataset.HeldOutHalf) is var heldOut and > 0)
            {
                s.AppendLine();
                s.AppendLine(CultureInfo.InvariantCulture, $"Half {Dataset.HeldOutHalf} (held out): {heldOut} misses, not listed (read its aggregates only).");
            }
        }
        CascadeSummary.Append(s, r);
        return s.ToString();
    }
}
