using FluentValidation;

namespace ReviewService.Ingestion;

public static class IngestionExtensions
{
    public static WebApplicationBuilder AddIngestion(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section)
            .Validate(o => o.MaxDocumentBytes > 0 && o.DefaultWaitSeconds >= 0 && o.MaxWaitSeconds >= 0 && o.MaxBatchDocuments > 0 && o.MaxBatchBytes > 0,
                "Ingestion limits must be positive.")
            .ValidateOnStart();
        var maxDocument = builder.Configuration.GetValue<long?>($"{IngestionOptions.Section}:{nameof(IngestionOptions.MaxDocumentBytes)}")
            ?? new IngestionOptions().MaxDocumentBytes;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = new IngestionOptions { MaxDocumentBytes = maxDocument }.MaxRequestBytes);
        builder.Services.AddValidatorsFromAssemblyContaining<SubmitReviewValidator>(ServiceLifetime.Singleton);
        builder.Services.AddSingleton<SubmissionReader>();
        builder.Services.AddSingleton<BatchReader>();
        return builder;
    }
}
