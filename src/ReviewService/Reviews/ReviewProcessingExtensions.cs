namespace ReviewService.Reviews;

public static class ReviewProcessingExtensions
{
    public static WebApplicationBuilder AddReviewProcessing(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProcessingOptions>().BindConfiguration(ProcessingOptions.Section)
            .Validate(o => o.Workers > 0 && o.SubmissionTurns >= 0 && o.LeaseSeconds > 0 && o.PollSeconds > 0 && o.MaxAttempts > 0,
                "Processing settings must be positive (SubmissionTurns may be 0).")
            .ValidateOnStart();
        builder.Services.AddSingleton<ReviewSignals>();
        builder.Services.AddSingleton<ReviewEvaluator>();
        // Submissions ask the workers for a turn (ReviewWorker.Reserve); an instance without workers never gives one.
        builder.Services.AddSingleton<ReviewWorker>();
        // Policy replays run in the background of the instance that accepted them.
        builder.Services.AddSingleton<Replays.ReplayRunner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Replays.ReplayRunner>());
        if (builder.Configuration.GetValue($"{ProcessingOptions.Section}:{nameof(ProcessingOptions.Enabled)}", true))
        {
            builder.Services.AddHostedService(services => services.GetRequiredService<ReviewWorker>());
        }
        return builder;
    }
}
