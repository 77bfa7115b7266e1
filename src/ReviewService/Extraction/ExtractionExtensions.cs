using Microsoft.Extensions.Options;

namespace ReviewService.Extraction;

public static class ExtractionExtensions
{
    public static WebApplicationBuilder AddExtraction(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExtractionOptions>().BindConfiguration(ExtractionOptions.Section)
            .Validate(o => o.MaxDecompressedBytes > 0 && o.MaxTextCharacters > 0 && o.MaxPdfPages > 0 && o.MaxHtmlParseSeconds > 0, "Extraction limits must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<ExtractionOptions>>().Value);
        builder.Services.AddSingleton<IFormatExtractor, PlainTextExtractor>();
        builder.Services.AddSingleton<IFormatExtractor, HtmlExtractor>();
        builder.Services.AddSingleton<IFormatExtractor, PdfExtractor>();
        builder.Services.AddSingleton<IFormatExtractor, DocxExtractor>();
        builder.Services.AddOptions<OcrOptions>().BindConfiguration(OcrOptions.Section)
            .Validate(o => o.IsValid(), "Extraction:Ocr: tool paths and Language must be set, Dpi within 72-600, limits positive, LowConfidence within 0-1.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<OcrOptions>>().Value);
        builder.Services.AddSingleton<Tesseract>();
        builder.Services.AddSingleton<ScanReader>();
        foreach (var format in ImageFormat.All)
        {
            builder.Services.AddSingleton<IFormatExtractor>(sp => new ImageExtractor(format, sp.GetRequiredService<ScanReader>()));
        }
        builder.Services.AddSingleton<DocumentExtractor>();
        builder.Services.AddOptions<ExtractionGateOptions>().BindConfiguration(ExtractionGateOptions.Section)
            .Validate(o => o.MaxConcurrentLargeExtractions > 0 && o.LargeQueueSeconds >= 0, "Extraction:MaxConcurrentLargeExtractions must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ExtractionGate>();
        return builder;
    }
}
