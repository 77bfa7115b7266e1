namespace ReviewService.Extraction;

/// <summary>
/// OCR of scans (<c>Extraction:Ocr</c>). The defaults keep the worst case inside the 120 s request timeout: a turn of the
/// extraction gate (up to 30 s) plus at most <see cref="MaxSeconds"/> of OCR, so a refused scan gets a problem, not a timeout.
/// </summary>
public sealed class OcrOptions
{
    public const string Section = "Extraction:Ocr";
    /// <summary>The Tesseract command line (Debian: tesseract-ocr and tesseract-ocr-eng); a bare name is looked up on PATH.</summary>
    public string TesseractPath { get; set; } = "tesseract";
    /// <summary>Renders PDF pages to images (Debian: poppler-utils).</summary>
    public string PdftoppmPath { get; set; } = "pdftoppm";
    /// <summary>Tesseract's language (its traineddata must be installed).</summary>
    public string Language { get; set; } = "eng";
    /// <summary>Resolution of rendered PDF pages: Tesseract reads 10–12 pt text best at about 300 dpi.</summary>
    public int Dpi { get; set; } = 300;
    /// <summary>Scans with more pages are refused (413) before any work: at 2.7–3.7 s a page (measured), 15 pages fit <see cref="MaxSeconds"/>.</summary>
    public int MaxPages { get; set; } = 15;
    /// <summary>One page's rendering or recognition that takes longer is killed and the scan refused (422).</summary>
    public double PageTimeoutSeconds { get; set; } = 30;
    /// <summary>All of a document's OCR; a scan that needs longer is refused (413).</summary>
    public double MaxSeconds { get; set; } = 75;
    /// <summary>
    /// Largest page image (pixels): bounds Tesseract's memory (about 10 bytes a pixel). A PDF page too large for it at <see cref="Dpi"/>
    /// is rendered at a lower resolution; an image over it is refused. The default holds A3 at 300 dpi.
    /// </summary>
    public long MaxPagePixels { get; set; } = 25_000_000;
    /// <summary>
    /// Pages whose mean word confidence is below this are listed as low-confidence. Measured (eval-data/ocr-confidence): on
    /// 180 degraded renderings of contract pages, pages under 0.86 were the ones under 95 % word accuracy, 0.92 of the time on
    /// the held-out half (0.6 caught under half of them).
    /// </summary>
    public double LowConfidence { get; set; } = 0.86;

    public bool IsValid() =>
        !string.IsNullOrWhiteSpace(TesseractPath) && !string.IsNullOrWhiteSpace(PdftoppmPath) && !string.IsNullOrWhiteSpace(Language)
        && Dpi is >= 72 and <= 600 && MaxPages > 0 && PageTimeoutSeconds > 0 && MaxSeconds > 0 && MaxPagePixels > 0 && LowConfidence is >= 0 and <= 1;
}
