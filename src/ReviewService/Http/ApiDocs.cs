using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using ReviewService.Extraction;
using ReviewService.Ingestion;
using ReviewService.Storage;
using ReviewService.Webhooks;
using Scalar.AspNetCore;

namespace ReviewService.Http;

/// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) and an interactive page (<c>/scalar/v1</c>), served from the service's own assets.</summary>
public static class ApiDocs
{
    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(o =>
        {
            o.AddSchemaTransformer(DescribeDocumentsAsync);
            o.AddDocumentTransformer(DescribeWebhooksAsync);
        });
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

    /// <summary>The requests the service sends to webhook subscribers (OpenAPI 3.1 <c>webhooks</c>): one per event, the body and the headers.</summary>
    static async Task DescribeWebhooksAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        var body = await context.GetOrCreateSchemaAsync(typeof(WebhookEvent), null, ct);
        document.Webhooks ??= new Dictionary<string, IOpenApiPathItem>();
        foreach (var type in WebhookEvents.All)
        {
            document.Webhooks[type] = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation>
                {
                    [HttpMethod.Post] = new()
                    {
                        Summary = $"{type}: sent to each subscription that asked for it",
                        Description = "At least once, from an outbox written with the change; retried with exponential back-off and jitter for " +
                            "Webhooks:RetryHours (24) until a 2xx. Verify X-ReviewService-Signature (t=<unix seconds>,v1=<hex HMAC-SHA256 of the secret " +
                            "over t + \".\" + raw body>) and refuse old timestamps; deduplicate on X-ReviewService-Delivery.",
                        Parameters =
                        [
                            Header(WebhookSignature.Header, "t=<unix seconds>,v1=<hex HMAC-SHA256 of the subscription's secret over t + \".\" + the raw body>"),
                            Header(WebhookSignature.EventHeader, "The event type, as in the body."),
                            Header(WebhookSignature.DeliveryHeader, "The delivery id: the same on every retry of this event to this subscription."),
                        ],
                        RequestBody = new OpenApiRequestBody
                        {
                            Required = true,
                            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = body } },
                        },
                        Responses = new OpenApiResponses
                        {
                            ["2XX"] = new OpenApiResponse { Description = "Received. Any other answer, a redirect or a timeout is retried." },
                        },
                    },
                },
            };
        }
    }

    static OpenApiParameter Header(string name, string description) =>
        new() { Name = name, In = ParameterLocation.Header, Required = true, Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };

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
