using ReviewService.Extraction;
using ReviewService.Http;

namespace ReviewService.Tests.Extraction;

/// <summary>
/// The limits of OCR with the real Tesseract and pdftoppm: the document's time budget, the page-size bound on rendering and on
/// images, multi-page TIFFs, and damaged images. Each refusal is asserted as the status and words a client gets.
/// </summary>
public sealed class OcrLimitsTests : IDisposable
{
    static readonly ExtractionOptions Options = new();
    readonly RecordingPdftoppm _pdftoppm = new();

    static DocumentExtractor Extractor(OcrOptions ocr) => Extractors.Create(Options, ocr);

    public void Dispose() => _pdftoppm.Dispose();

    [Fact]
    public void ScanThatOutrunsTheDocumentsBudgetIsRefusedAndReadNoFurther()
    {
        // A page takes seconds to recognise (2.7–3.7 s measured), so a 1 s budget runs out while page 1 is read.
        var ocr = new OcrOptions { MaxSeconds = 1, PdftoppmPath = _pdftoppm.Path };

        var result = Extractor(ocr).Extract("application/pdf", "scan.pdf", Fixtures.Bytes("scan.pdf"));

        Assert.Equal(413, Problems.StatusOf(result.Failure!.Kind));
        Assert.Equal("OCR took too long", result.Failure.Title);
        Assert.StartsWith("Reading the scan took more than 1 s, the limit, before page 1 of 2.", result.Failure.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(_pdftoppm.Runs, run => run.Arguments.Contains("-f 2", StringComparison.Ordinal));
    }

    [Fact]
    public void PdfPageLargerThanThePixelLimitIsRenderedCoarserAndStillRead()
    {
        // An A4 page at 300 dpi is 8.7 million pixels: 3 million fits it at 176 dpi.
        var ocr = new OcrOptions { MaxPagePixels = 3_000_000, PdftoppmPath = _pdftoppm.Path };

        var result = Extractor(ocr).Extract("application/pdf", "scan.pdf", Fixtures.Bytes("scan.pdf"));

        Assert.Null(result.Failure);
        Assert.Contains("laws of the State of New York", Fixtures.Squash(result.Document!.Text), StringComparison.Ordinal);
        Assert.Equal(2, _pdftoppm.Runs.Count);
        Assert.All(_pdftoppm.Runs, run => Assert.InRange(run.Pixels, 2_700_000, 3_000_000));
    }

    [Fact]
    public void PdfPageTooLargeToReadEvenAtFiftyDpiIsRefusedUnrendered()
    {
        // An A4 page at 50 dpi is 242,000 pixels.
        var ocr = new OcrOptions { MaxPagePixels = 200_000, PdftoppmPath = _pdftoppm.Path };

        var result = Extractor(ocr).Extract("application/pdf", "scan.pdf", Fixtures.Bytes("scan.pdf"));

        Assert.Equal(413, Problems.StatusOf(result.Failure!.Kind));
        Assert.Equal("Page too large for OCR", result.Failure.Title);
        Assert.StartsWith("Page 1 of the PDF is 8 x 12 inches: too large to read at 50 dpi or more.", result.Failure.Detail, StringComparison.Ordinal);
        Assert.Empty(_pdftoppm.Runs);
    }

    [Fact]
    public void MultiPageTiffIsReadPageByPage()
    {
        var result = Extractor(new OcrOptions()).Extract("image/tiff", "scan-pages.tiff", Fixtures.Bytes("scan-pages.tiff"));

        var document = result.Document!;
        Assert.Equal("tiff", document.Format);
        Assert.Equal([1, 2], document.Ocr!.Pages.Select(p => p.Page));
        Assert.All(document.Ocr.Pages, p => Assert.True(p.Words > 100));
        Assert.Equal(2, document.PageStarts.Count);
        // Page 2 of the TIFF is the contract's page 3, which holds the governing law.
        Assert.DoesNotContain("State of New York", document.Text[..document.PageStarts[1]], StringComparison.Ordinal);
        Assert.Contains("laws of the State of New York", Fixtures.Squash(document.Text[document.PageStarts[1]..]), StringComparison.Ordinal);
    }

    [Fact]
    public void TiffWhosePageIsCutShortIsRefusedNotHalfRead()
    {
        var result = Extractor(new OcrOptions()).Extract("image/tiff", "scan-pages-cut.tiff", Fixtures.Bytes("scan-pages-cut.tiff"));

        Assert.Null(result.Document);
        Assert.Equal(422, Problems.StatusOf(result.Failure!.Kind));
        Assert.Equal("Unreadable page", result.Failure.Title);
        Assert.StartsWith("Page 2 of the TIFF could not be decoded for OCR", result.Failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TsvListsABlankPageSoOnlyAnUndecodedPageIsMissing()
    {
        var tsv = string.Join('\n',
            "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
            "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t",
            "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tLaw",
            "1\t2\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t");

        var pages = Tesseract.ParseTsv(tsv);

        Assert.Equal([new RecognisedPage(1, "Law", 0.9, 1), new RecognisedPage(2, "", 0, 0)], pages);
    }

    // A TIFF's directory (its page sizes) follows the image data, so a file cut short loses it. A PNG cut inside its header
    // is refused before OCR: Reviews/BadInputTests ("PNG with a cut header"); one cut in its image data reaches Tesseract.
    [Theory]
    [InlineData("scan-page3.tiff", 20_000, "image/tiff", "Corrupt image", "The TIFF image cannot be read: its header is damaged or cut short.")]
    [InlineData("scan-page3.png", 30_000, "image/png", "OCR failed", "OCR could not read the image.")]
    public void AnImageCutShortIsRefused(string file, int keep, string contentType, string title, string detail)
    {
        var result = Extractor(new OcrOptions()).Extract(contentType, "cut" + System.IO.Path.GetExtension(file), Fixtures.Bytes(file).AsMemory(0, keep));

        Assert.Equal(422, Problems.StatusOf(result.Failure!.Kind));
        Assert.Equal(title, result.Failure.Title);
        Assert.StartsWith(detail, result.Failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TiffWithAPageOverThePixelLimitIsRefusedUnread()
    {
        // Each page is 2481 x 3508 = 8,703,348 pixels.
        var result = Extractor(new OcrOptions { MaxPagePixels = 8_000_000 }).Read("image/tiff", "scan-pages.tiff", Fixtures.Bytes("scan-pages.tiff"));

        Assert.Null(result.Ocr);
        Assert.Equal(413, Problems.StatusOf(result.Failure!.Kind));
        Assert.Equal("Image too large for OCR", result.Failure.Title);
        Assert.StartsWith("The image is 2481 x 3508 pixels; OCR reads pages of at most 8,000,000 pixels.", result.Failure.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// The real pdftoppm behind a script that records each run: its arguments and the size of the page image it made, so a
    /// test sees which pages were rendered and at how many pixels.
    /// </summary>
    sealed class RecordingPdftoppm : IDisposable
    {
        readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("reviewservice-pdftoppm-");

        public RecordingPdftoppm()
        {
            var pdftoppm = ToolProcess.Find("pdftoppm") ?? throw new InvalidOperationException("pdftoppm is not installed (poppler-utils).");
            // pdftoppm's last argument is the output's name without .pgm; a PGM's second line is "width height".
            File.WriteAllText(Path, $"""
                #!/bin/sh
                "{pdftoppm}" "$@" || exit $?
                for output; do :; done
                printf '%s\t%s\n' "$*" "$(head -n 2 "$output.pgm" | tail -n 1)" >> "{Log}"
                """);
            // The OCR tools are Debian packages: on Windows this test's scans are never read.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        public string Path => System.IO.Path.Combine(_directory.FullName, "pdftoppm");
        string Log => System.IO.Path.Combine(_directory.FullName, "runs.log");

        public IReadOnlyList<(string Arguments, long Pixels)> Runs => !File.Exists(Log) ? [] :
            [.. File.ReadAllLines(Log).Select(line => line.Split('\t')).Select(f => (f[0], f[1].Split(' ').Select(long.Parse).Aggregate((w, h) => w * h)))];

        public void Dispose() => _directory.Delete(recursive: true);
    }
}
