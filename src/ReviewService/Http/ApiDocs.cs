using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using ReviewService.Extraction;
using ReviewService.Ingestion;
using ReviewService.Storage;
using Scalar.AspNetCore;

namespace ReviewService.Http;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) and an interactive page (<c>/scalar/v1</c>), served from the service's own assets.</summary>
public static class ApiDocs
{
    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(o => o.AddSchemaTransformer(DescribeDocumentsAsync));
        return builder;
    }

    /// <summary>The formats a document may have, from the extractors registered (scans included), and what <c>document.ocr</c> holds.</summary>
    static Task DescribeDocumentsAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(DocumentPayload))
        {
            var types = context.ApplicationServices.GetRequiredService<DocumentExtractor>().SupportedTypes;
            Describe(schema, "contentType", $"The document's media type, one of: {string.Join(", ", types)}; or application/octet-stream, resolved from " +
                "the file name's extension. A PDF with no text layer and the image types are scans, read by OCR (Tesseract).");
        }
        if (type == typeof(DocumentInfo))
        {
            Describe(schema, "ocr", "Set when the text was recognised from a scan by OCR, so it and its evidence may hold recognition errors: the engine, " +
                "each page's mean word confidence (0-1), word count and low-confidence flag, and lowConfidencePages. Absent otherwise.");
        }
        return Task.CompletedTask;
    }

    static void Describe(OpenApiSchema schema, string property, string description)
    {
        if (schema.Properties?.TryGetValue(property, out var found) == true)
        {
            switch (found)
            {
                case OpenApiSchema inline:
                    inline.Description = description;
                    break;
                case OpenApiSchemaReference reference:
                    reference.Description = description;
                    break;
            }
        }
    }

    /// <summary>
    /// On by default in Development only (<c>Api:Docs</c>), and anonymous only there: switched on elsewhere, they need a credential
    /// like every other endpoint but health.
    /// </summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        if (app.Configuration.GetValue("Api:Docs", app.Environment.IsDevelopment()))
        {
            IEndpointConventionBuilder[] docs = [app.MapOpenApi(), app.MapScalarApiReference(o => o.WithTitle("ReviewService API").DisableDefaultFonts())];
            foreach (var endpoint in docs.Where(_ => app.Environment.IsDevelopment()))
            {
                endpoint.AllowAnonymous();
            }
        }
        return app;
    }
}
