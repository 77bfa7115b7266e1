using System.Globalization;
using System.Text;

namespace ReviewService.Extraction;

/// <summary>One page as Tesseract read it: its text (lines and paragraphs kept), mean word confidence 0–1, and word count.</summary>
public sealed record RecognisedPage(int Page, string Text, double Confidence, int Words);

/// <summary>
/// Debian's <c>tesseract</c> command line (no .NET binding is available): one image in, TSV out, which holds every word with
/// its confidence. Whether the tools are installed is checked once, on the first scan, so the service starts without them.
/// </summary>
public sealed class Tesseract(OcrOptions options)
{
    public const string Engine = "tesseract";
    const string Packages = "tesseract-ocr tesseract-ocr-eng";
    const string RendererPackage = "poppler-utils";

    readonly Lazy<string?> _missingTesseract = new(() => MissingTesseract(options));
    readonly Lazy<bool> _hasRenderer = new(() => ToolProcess.Find(options.PdftoppmPath) is not null);

    /// <summary>Why a scan cannot be read here (the Debian packages to install), or null when the tools are present.</summary>
    public Failure? Unavailable(bool needsRenderer, string what)
    {
        var missing = new List<string>();
        if (_missingTesseract.Value is { } tesseract)
        {
            missing.Add(tesseract);
        }
        if (needsRenderer && !_hasRenderer.Value)
        {
            missing.Add(RendererPackage);
        }
        return missing.Count == 0 ? null : Failure.Unprocessable("OCR not available",
            $"{what} needs OCR, which is not installed on this server. An operator can install the Debian packages " +
            $"{string.Join(" and ", missing)} (apt-get install {string.Join(' ', missing)}); meanwhile submit a PDF with selectable text, a DOCX or the text itself.");
    }

    static string? MissingTesseract(OcrOptions options)
    {
        if (ToolProcess.Find(options.TesseractPath) is not { } path)
        {
            return Packages;
        }
        // The language data is a package of its own (tesseract-ocr-<language>): tesseract without it fails on every page.
        var run = ToolProcess.Run(path, ["--list-langs"], TimeSpan.FromSeconds(10), Path.GetTempPath());
        if (!run.Succeeded)
        {
            return Packages;
        }
        var installed = run.Output.Split('\n', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var missing = options.Language.Split('+').Where(language => !installed.Contains(language)).Select(language => $"tesseract-ocr-{language}").ToList();
        return missing.Count == 0 ? null : string.Join(' ', missing);
    }

    /// <summary>Recognises <paramref name="image"/> (every page of a multi-page TIFF); TSV goes to a file beside it.</summary>
    public (IReadOnlyList<RecognisedPage> Pages, ToolRun Run) Recognise(string image, TimeSpan timeout, CancellationToken ct)
    {
        var outputBase = Path.ChangeExtension(image, null) + "-ocr";
        // --psm 1: automatic page segmentation with orientation detection, so a page scanned sideways is still read.
        var run = ToolProcess.Run(options.TesseractPath, [image, outputBase, "-l", options.Language, "--psm", "1", "tsv"], timeout, Path.GetDirectoryName(image)!, ct);
        var tsv = outputBase + ".tsv";
        return (run.Succeeded && File.Exists(tsv) ? ParseTsv(File.ReadAllText(tsv)) : [], run);
    }

    /// <summary>
    /// Every page listed, words or none: words (TSV level 5) joined by spaces, lines by a newline and paragraphs by a blank
    /// line; the confidence of words only (other levels carry -1).
    /// </summary>
    public static IReadOnlyList<RecognisedPage> ParseTsv(string tsv)
    {
        var pages = new List<RecognisedPage>();
        var text = new StringBuilder();
        var (page, paragraph, line, words, confidence) = (0, "", "", 0, 0.0);
        void EndPage()
        {
            if (page > 0)
            {
                pages.Add(new RecognisedPage(page, text.ToString().Trim(), words == 0 ? 0 : confidence / words / 100, words));
            }
            text.Clear();
            (paragraph, line, words, confidence) = ("", "", 0, 0.0);
        }
        foreach (var row in tsv.Split('\n').Skip(1))
        {
            var fields = row.TrimEnd('\r').Split('\t');
            if (fields.Length < 12 || !int.TryParse(fields[1], CultureInfo.InvariantCulture, out var pageNumber))
            {
                continue;
            }
            // Every page Tesseract decoded has rows (a level-1 row even with no words), so a page it could not decode has none.
            if (pageNumber != page)
            {
                EndPage();
                page = pageNumber;
            }
            if (fields[0] != "5" || !double.TryParse(fields[10], CultureInfo.InvariantCulture, out var wordConfidence) || string.IsNullOrWhiteSpace(fields[11]))
            {
                continue;
            }
            var (paragraphKey, lineKey) = ($"{fields[2]}.{fields[3]}", $"{fields[2]}.{fields[3]}.{fields[4]}");
            text.Append(words == 0 ? "" : paragraphKey != paragraph ? "\n\n" : lineKey != line ? "\n" : " ").Append(fields[11].Trim());
            (paragraph, line) = (paragraphKey, lineKey);
            words++;
            confidence += Math.Clamp(wordConfidence, 0, 100);
        }
        EndPage();
        return pages;
    }
}
