using System.Buffers.Binary;
using ReviewService.Extraction;

namespace ReviewService.Tests.Extraction;

/// <summary>Scans read with the real Tesseract and pdftoppm (installed by .ci/run), and the limits that refuse them early.</summary>
public sealed class OcrTests
{
    static readonly ExtractionOptions Options = new();

    static DocumentExtractor Extractor(OcrOptions? ocr = null) => Extractors.Create(Options, ocr ?? new OcrOptions());

    static string Sentence => Fixtures.Squash(Fixtures.Expected.GetProperty("governingLawSentence").GetString()!);

    [Fact]
    public void ScannedPdfIsReadPageByPageWithEachPagesConfidence()
    {
        var result = Extractor().Extract("application/pdf", "scan.pdf", Fixtures.Bytes("scan.pdf"));

        var document = result.Document!;
        Assert.Equal("pdf", document.Format);
        Assert.Contains(Sentence, Fixtures.Squash(document.Text), StringComparison.Ordinal);
        Assert.Equal(2, document.PageStarts.Count);
        Assert.Equal(0, document.PageStarts[0]);
        Assert.True(document.PageStarts[1] > 0);
        // Page 2 of the scan is the contract's page 3, which holds the governing law.
        Assert.DoesNotContain("State of New York", document.Text[..document.PageStarts[1]], StringComparison.Ordinal);
        Assert.Equal("tesseract", document.Ocr!.Engine);
        Assert.Equal([1, 2], document.Ocr.Pages.Select(p => p.Page));
        Assert.All(document.Ocr.Pages, p => Assert.InRange(p.Confidence, 0.8, 1));
        Assert.All(document.Ocr.Pages, p => Assert.True(p.Words > 100));
        Assert.Empty(document.Ocr.LowConfidencePages);
    }

    [Fact]
    public void PagesBelowTheThresholdAreListedAsLowConfidence()
    {
        var document = Extractor(new OcrOptions { LowConfidence = 1 }).Extract("image/png", "p.png", Fixtures.Bytes("scan-page3.png")).Document!;

        Assert.Equal([1], document.Ocr!.LowConfidencePages);
    }

    [Fact]
    public void ReadingTheScanIsTheOcrStepOfTheGate()
    {
        var extractor = Extractor();

        var read = extractor.Read("application/pdf", "scan.pdf", Fixtures.Bytes("scan.pdf"));

        Assert.Null(read.Document);
        Assert.Null(read.Failure);
        Assert.Equal(2, read.Ocr!.Pages);
    }

    [Fact]
    public void ScanWithMorePagesThanTheLimitIsRefusedBeforeAnyOcr()
    {
        var result = Extractor(new OcrOptions { MaxPages = 1 }).Read("application/pdf", "scan.pdf", Fixtures.Bytes("scan.pdf"));

        Assert.Equal(FailureKind.TooLarge, result.Failure!.Kind);
        Assert.Contains("at most 1 pages", result.Failure.Detail, StringComparison.Ordinal);
    }

    // A tool or its language data missing: the scan is refused with the Debian packages to install, whatever the format.
    [Theory]
    [InlineData("tesseract", "application/pdf", "scan.pdf", "tesseract-ocr tesseract-ocr-eng")]
    [InlineData("tesseract", "image/png", "scan-page3.png", "tesseract-ocr tesseract-ocr-eng")]
    [InlineData("language", "application/pdf", "scan.pdf", "tesseract-ocr-zzz")]
    [InlineData("pdftoppm", "application/pdf", "scan.pdf", "poppler-utils")]
    public void AMissingToolIsAProblemNamingItsPackages(string missing, string contentType, string file, string packages)
    {
        var options = missing switch
        {
            "tesseract" => new OcrOptions { TesseractPath = "/nonexistent/tesseract" },
            "language" => new OcrOptions { Language = "zzz" },
            _ => new OcrOptions { PdftoppmPath = "/nonexistent/pdftoppm" },
        };

        var result = Extractor(options).Extract(contentType, file, Fixtures.Bytes(file));

        Assert.Equal(FailureKind.Unprocessable, result.Failure!.Kind);
        Assert.Contains($"apt-get install {packages}", result.Failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ACancelledRequestStopsItsOcr()
    {
        var extractor = Extractor();
        var pending = extractor.Read("application/pdf", "scan.pdf", Fixtures.Bytes("scan.pdf")).Ocr!;
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => extractor.Recognise(pending, "scan.pdf", cancelled.Token));
    }

    [Fact]
    public void AToolRunningWhenItsRequestIsCancelledIsKilled()
    {
        // A stand-in for a page that takes long: the run must end when the token is cancelled, not when the tool would.
        using var cancelling = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var started = System.Diagnostics.Stopwatch.StartNew();

        Assert.Throws<OperationCanceledException>(() => ToolProcess.Run("sleep", ["30"], TimeSpan.FromSeconds(60), Path.GetTempPath(), cancelling.Token));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"ran {started.Elapsed} of the tool's 30 s");
    }

    [Fact]
    public void PageThatTakesLongerThanItsTimeoutIsKilledAndRefused()
    {
        var result = Extractor(new OcrOptions { PageTimeoutSeconds = 0.001 }).Extract("application/pdf", "scan.pdf", Fixtures.Bytes("scan.pdf"));

        Assert.Equal("OCR timed out", result.Failure!.Title);
        Assert.Contains("Page 1", result.Failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ImageThatDeclaresMorePixelsThanTheLimitIsRefusedUnread()
    {
        var png = Fixtures.Bytes("scan-page3.png");
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 100_000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 100_000);

        var result = Extractor().Extract("image/png", "huge.png", png);

        Assert.Equal(FailureKind.TooLarge, result.Failure!.Kind);
        Assert.Contains("100000 x 100000 pixels", result.Failure.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scan-page3.png", 2481, 3508, 1)]
    [InlineData("scan-page3.tiff", 2481, 3508, 1)]
    public void ImageHeadersGiveSizeAndPages(string file, int width, int height, int pages)
    {
        var format = ImageFormat.All.Single(f => f.Extensions.Contains(Path.GetExtension(file)));

        var header = ImageHeader.Read(format, Fixtures.Bytes(file))!;

        Assert.Equal(new ImageHeader(pages, new PageSize(width, height)), header);
    }

    [Fact]
    public void JpegHeaderGivesItsSize()
    {
        var header = ImageHeader.Read(ImageFormat.Jpeg, Fixtures.JpegInside("scan-noisy.pdf"))!;

        Assert.Equal(1, header.Pages);
        Assert.True(header.Largest is { Width: > 1000, Height: > 1000 });
    }

    [Fact]
    public void TsvWordsBecomeLinesAndParagraphsAndTheirMeanConfidence()
    {
        var tsv = string.Join('\n',
            "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
            "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t",
            "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tGoverning",
            "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t80\tLaw.",
            "5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t70\tNew",
            "5\t1\t1\t2\t1\t1\t0\t0\t1\t1\t60\tYork",
            "5\t2\t1\t1\t1\t1\t0\t0\t1\t1\t50\tEnd");

        var pages = Tesseract.ParseTsv(tsv);

        Assert.Equal(new RecognisedPage(1, "Governing Law.\nNew\n\nYork", 0.75, 4), pages[0]);
        Assert.Equal(new RecognisedPage(2, "End", 0.5, 1), pages[1]);
    }
}
