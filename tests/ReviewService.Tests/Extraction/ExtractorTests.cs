using ReviewService.Extraction;

namespace ReviewService.Tests.Extraction;

public sealed class ExtractorTests
{
    static readonly ExtractionOptions Options = new();
    static readonly DocumentExtractor Extractor = Extractors.Create(Options, new OcrOptions());

    static string Sentence => Fixtures.Squash(Fixtures.Expected.GetProperty("governingLawSentence").GetString()!);

    [Theory]
    [InlineData("contract.pdf", "application/pdf", "pdf")]
    [InlineData("contract.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")]
    [InlineData("contract.html", "text/html; charset=utf-8", "html")]
    [InlineData("contract.txt", "text/plain", "text")]
    public void EveryFormatYieldsTheContractText(string file, string contentType, string format)
    {
        var result = Extractor.Extract(contentType, file, Fixtures.Bytes(file));

        Assert.Null(result.Failure);
        Assert.Equal(format, result.Document!.Format);
        Assert.Contains(Sentence, Fixtures.Squash(result.Document.Text), StringComparison.Ordinal);
    }

    [Fact]
    public void PdfPagesStartAtIncreasingOffsets()
    {
        var document = Extractor.Extract("application/pdf", "c.pdf", Fixtures.Bytes("contract.pdf")).Document!;

        Assert.Equal(3, document.PageStarts.Count);
        Assert.Equal(0, document.PageStarts[0]);
        Assert.True(document.PageStarts.Zip(document.PageStarts.Skip(1)).All(p => p.First < p.Second));
    }

    [Fact]
    public void PlainTextKeepsItsOffsetsExceptTheBom()
    {
        var document = Extractor.Extract("text/plain", "a.txt", (byte[])[0xEF, 0xBB, 0xBF, .. "Héllo\r\nworld"u8]).Document!;

        Assert.Equal("Héllo\r\nworld", document.Text);
    }

    [Fact]
    public void HtmlDropsScriptsAndKeepsMarkupCharactersAsText()
    {
        var html = "<html><head><title>T</title><script>var x = 1;</script></head><body><p>Price &lt;script&gt; &amp; terms</p><p>Second</p></body></html>"u8.ToArray();

        var document = Extractor.Extract("text/html", "a.html", html).Document!;

        Assert.Equal("Price <script> & terms\n\nSecond", document.Text);
    }

    [Theory]
    [InlineData("truncated.pdf", "application/pdf", "Corrupt PDF")]
    [InlineData("encrypted.pdf", "application/pdf", "Encrypted PDF")]
    [InlineData("zip-bomb.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX too large when decompressed")]
    public void UnreadableFilesAreFailuresNotExceptions(string file, string contentType, string title)
    {
        var result = Extractor.Extract(contentType, file, Fixtures.Bytes(file));

        Assert.Null(result.Document);
        Assert.Equal(title, result.Failure!.Title);
    }
}

/// <summary>The extraction stage as the service wires it (every format, OCR included), for tests that call it directly.</summary>
public static class Extractors
{
    public static DocumentExtractor Create(ExtractionOptions options, OcrOptions ocr)
    {
        var scans = new ScanReader(new Tesseract(ocr), ocr);
        return new DocumentExtractor(
            [new PlainTextExtractor(), new HtmlExtractor(options), new PdfExtractor(options, scans), new DocxExtractor(options),
             .. ImageFormat.All.Select(f => new ImageExtractor(f, scans))], options);
    }
}
