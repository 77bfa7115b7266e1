namespace ReviewService.ReviewQueue;

public static class QueueExtensions
{
    public static WebApplicationBuilder AddReviewQueue(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.Section)
            .Validate(o => o.LeaseMinutes is > 0 and <= 24 * 60, "Queue:LeaseMinutes must be more than 0 and at most 1440.")
            .Validate(o => o.QaSampleRate is >= 0 and <= 1, "Queue:QaSampleRate must be a share from 0 to 1.")
            .Validate(o => o.BacklogPollSeconds > 0, "Queue:BacklogPollSeconds must be positive.")
            .ValidateOnStart();
        // Registered after storage, so the database is migrated before the first poll.
        builder.Services.AddHostedService<BacklogMonitor>();
        return builder;
    }
}
