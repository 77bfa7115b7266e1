namespace ReviewService.Retrieval;

public static class RetrievalExtensions
{
    /// <summary>The retrieval stage: the passages of each undetermined check that the judge reads and the reviewer sees.</summary>
    public static WebApplicationBuilder AddRetrieval(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetrievalOptions>().BindConfiguration(RetrievalOptions.Section)
            .Validate(o => o.MaxDocumentShare is > 0 and <= 1 && o.MaxPassagesPerCheck > 0 && o.DetectorBoost >= 0 && o.MinRelativeScore is >= 0 and <= 1,
                "Retrieval: MaxDocumentShare in (0, 1], MaxPassagesPerCheck at least 1, DetectorBoost not negative, MinRelativeScore from 0 to 1.")
            .ValidateOnStart();
        builder.Services.AddSingleton<PassageRetriever>();
        return builder;
    }
}
