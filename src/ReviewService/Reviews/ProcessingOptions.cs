namespace ReviewService.Reviews;

public sealed class ProcessingOptions
{
    public const string Section = "Processing";
    /// <summary>False for an instance that only accepts submissions and serves reads (another instance evaluates).</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>Background workers per instance.</summary>
    public int Workers { get; set; } = 2;
    /// <summary>
    /// Submissions that wait for their review and are evaluated at once by this instance, stored leased to it, besides
    /// the workers; one more waits for the workers of any instance (0: all do).
    /// </summary>
    public int SubmissionTurns { get; set; } = 8;
    /// <summary>How long a worker holds a review before another may take it over (a crashed worker's reviews come back after this).</summary>
    public double LeaseSeconds { get; set; } = 120;
    /// <summary>How often idle workers look for pending reviews they were not told about (e.g. from another instance).</summary>
    public double PollSeconds { get; set; } = 2;
    /// <summary>Attempts before a review that keeps failing is marked <c>failed</c> (with its error) instead of retried.</summary>
    public int MaxAttempts { get; set; } = 3;
    public double RetryDelaySeconds { get; set; } = 5;
}
