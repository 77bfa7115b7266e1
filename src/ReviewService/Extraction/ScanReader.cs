using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ReviewService.Extraction;

/// <summary>The size of one page: of a PDF page in points (1/72 inch), of an image in pixels.</summary>
public readonly record struct PageSize(double Width, double Height);

/// <summary>
/// Reads scans with <see cref="Tesseract"/>: checks the limits at once, and returns the recognition itself as a
/// <see cref="PendingOcr"/> for the extraction gate to run. Each document gets its own temp directory, always deleted.
/// </summary>
public sealed class ScanReader(Tesseract tesseract, OcrOptions options)
{
    const double PointsPerInch = 72;
    /// <summary>Below this Tesseract reads nothing useful from ordinary text.</summary>
    const int MinDpi = 50;

    /// <summary>A PDF with no text layer: each page rendered by pdftoppm, then recognised.</summary>
    public ExtractionResult ForPdf(ReadOnlyMemory<byte> content, IReadOnlyList<PageSize> pages)
    {
        var what = $"The PDF has {pages.Count} page(s) but no text layer (it is probably a scan); reading it";
        if (tesseract.Unavailable(needsRenderer: true, what) is { } unavailable)
        {
            return unavailable;
        }
        if (TooManyPages("PDF", pages.Count) is { } tooMany)
        {
            return tooMany;
        }
        return new PendingOcr(pages.Count, ct => Recognise(content, "pdf", pages.Count, pagePerStep: true, (directory, input, page, timeout) =>
        {
            var size = pages[page - 1];
            // A page too large for MaxPagePixels at the configured dpi is rendered coarser rather than refused.
            var area = size.Width / PointsPerInch * (size.Height / PointsPerInch);
            var dpi = (int)Math.Min(options.Dpi, Math.Floor(Math.Sqrt(options.MaxPagePixels / Math.Max(area, 1e-6))));
            if (dpi < MinDpi)
            {
                return (null, new Failure(FailureKind.TooLarge, "Page too large for OCR",
                    $"Page {page} of the PDF is {size.Width / PointsPerInch:0} x {size.Height / PointsPerInch:0} inches: too large to read at {MinDpi} dpi or more. Scan it at a normal paper size and resubmit."));
            }
            var output = Path.Combine(directory, $"page-{page}");
            var render = ToolProcess.Run(options.PdftoppmPath,
                ["-r", dpi.ToString(CultureInfo.InvariantCulture), "-gray", "-f", $"{page}", "-l", $"{page}", "-singlefile", input, output], timeout, directory, ct);
            if (render.Succeeded)
            {
                return (output + ".pgm", null);
            }
            Activity.Current?.SetTag("ocr.error", render.Errors);
            return (null, render.TimedOut ? TimedOut(page, pages.Count, "render", timeout, pagesPerStep: 1)
                : Failure.Unprocessable("Corrupt PDF", $"The PDF has no text layer and its page {page} could not be rendered for OCR. Export or save it again and resubmit."));
        }, ct));
    }

    /// <summary>A PNG, JPEG or TIFF (a TIFF may hold several pages): recognised as it is.</summary>
    public ExtractionResult ForImage(ReadOnlyMemory<byte> content, string format, int pageCount, PageSize largest)
    {
        if (tesseract.Unavailable(needsRenderer: false, $"A {format.ToUpperInvariant()} image") is { } unavailable)
        {
            return unavailable;
        }
        if (TooManyPages(format.ToUpperInvariant(), pageCount) is { } tooMany)
        {
            return tooMany;
        }
        if (largest.Width * largest.Height > options.MaxPagePixels)
        {
            return new Failure(FailureKind.TooLarge, "Image too large for OCR",
                $"The image is {largest.Width:0} x {largest.Height:0} pixels; OCR reads pages of at most {options.MaxPagePixels:N0} pixels. Scan it at 300 dpi and resubmit.");
        }
        return new PendingOcr(pageCount, ct => Recognise(content, format, pageCount, pagePerStep: false, (_, input, _, _) => (input, null), ct));
    }

    /// <summary>How step <c>n</c> (a PDF page; for an image, the whole file) becomes an image path, or why it cannot.</summary>
    delegate (string? Image, Failure? Failure) PageImage(string directory, string input, int step, TimeSpan timeout);

    /// <summary>A PDF is recognised a page a step; an image (a TIFF may hold several pages) in one step.</summary>
    ExtractionResult Recognise(ReadOnlyMemory<byte> content, string format, int pageCount, bool pagePerStep, PageImage pageImage, CancellationToken ct)
    {
        var directory = Directory.CreateTempSubdirectory("reviewservice-ocr-");
        try
        {
            var input = Path.Combine(directory.FullName, $"scan.{format}");
            File.WriteAllBytes(input, content.ToArray());
            var started = Stopwatch.GetTimestamp();
            var (steps, pagesPerStep) = pagePerStep ? (pageCount, 1) : (1, pageCount);
            var recognised = new Dictionary<int, RecognisedPage>();
            for (var step = 1; step <= steps; step++)
            {
                // The request was cancelled (the client left, or its time limit passed): no more pages.
                ct.ThrowIfCancellationRequested();
                if (Remaining(started, pagesPerStep) is not { } timeout)
                {
                    return OutOfTime(step, steps);
                }
                var (image, failure) = pageImage(directory.FullName, input, step, timeout);
                if (failure is not null)
                {
                    return failure;
                }
                if (Remaining(started, pagesPerStep) is not { } left)
                {
                    return OutOfTime(step, steps);
                }
                var (pages, run) = tesseract.Recognise(image!, left, ct);
                if (!run.Succeeded)
                {
                    Activity.Current?.SetTag("ocr.error", run.Errors);
                    return run.TimedOut ? TimedOut(step, steps, "recognise", left, pagesPerStep)
                        : Failure.Unprocessable("OCR failed", $"OCR could not read {(pagePerStep ? $"page {step}" : "the image")}. Scan it again as a PDF, PNG, JPEG or TIFF and resubmit.");
                }
                // Tesseract stops at a page it cannot decode (a TIFF cut short) and still exits with success: the rest would be lost unsaid.
                if (Enumerable.Range(1, pagesPerStep).FirstOrDefault(p => pages.All(r => r.Page != p)) is > 0 and var missing)
                {
                    return Unreadable(pagePerStep ? step : missing, format);
                }
                foreach (var page in pages)
                {
                    recognised[pagePerStep ? step : page.Page] = page with { Page = pagePerStep ? step : page.Page };
                }
            }
            return Assemble(format, [.. Enumerable.Range(1, pageCount).Select(p => recognised[p])]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    ExtractedDocument Assemble(string format, IReadOnlyList<RecognisedPage> pages)
    {
        var text = new StringBuilder();
        var pageStarts = new List<int>();
        foreach (var page in pages)
        {
            if (text.Length > 0)
            {
                text.Append("\n\n");
            }
            pageStarts.Add(text.Length);
            text.Append(page.Text);
        }
        var ocr = new OcrInfo(Tesseract.Engine,
            [.. pages.Select(p => new OcrPage(p.Page, Math.Round(p.Confidence, 3), p.Words, p.Confidence < options.LowConfidence))]);
        return new ExtractedDocument(text.ToString(), format, pageStarts, ocr);
    }

    /// <summary>The time one step may take: its pages' timeout, or what is left of the document's budget; null when nothing is.</summary>
    TimeSpan? Remaining(long started, int pagesPerStep)
    {
        var left = TimeSpan.FromSeconds(options.MaxSeconds) - Stopwatch.GetElapsedTime(started);
        var perStep = PerStep(pagesPerStep);
        return left <= TimeSpan.Zero ? null : left < perStep ? left : perStep;
    }

    TimeSpan PerStep(int pagesPerStep) => TimeSpan.FromSeconds(options.PageTimeoutSeconds * pagesPerStep);

    Failure? TooManyPages(string kind, int pages) => pages <= options.MaxPages ? null
        : new Failure(FailureKind.TooLarge, "Too many pages to OCR",
            $"The {kind} is a scan of {pages} pages; OCR reads at most {options.MaxPages} pages a document, so that it finishes within the request. " +
            "Split it into smaller files, or submit a PDF with selectable text.");

    Failure OutOfTime(int page, int pages) => new(FailureKind.TooLarge, "OCR took too long",
        $"Reading the scan took more than {options.MaxSeconds:0} s, the limit, before page {page} of {pages}. Split it into smaller files and resubmit.");

    /// <summary>A tool killed at its timeout: the page's own limit, or, when what was left of the document's budget was shorter, the budget.</summary>
    Failure TimedOut(int page, int pages, string step, TimeSpan timeout, int pagesPerStep) =>
        timeout < PerStep(pagesPerStep) ? OutOfTime(page, pages) : PageTimedOut(page, step);

    Failure Unreadable(int page, string format) => Failure.Unprocessable("Unreadable page",
        $"Page {page} of the {format.ToUpperInvariant()} could not be decoded for OCR: the file is damaged or cut short. Scan or export it again and resubmit.");

    Failure PageTimedOut(int page, string step) => Failure.Unprocessable("OCR timed out",
        $"Page {page} took longer than {options.PageTimeoutSeconds:0} s to {step} for OCR, the limit. Scan it again (300 dpi, black and white) and resubmit.");
}
