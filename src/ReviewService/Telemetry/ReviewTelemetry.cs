using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ReviewService.Telemetry;

/// <summary>The service's own spans and instruments; registered with OpenTelemetry by <see cref="TelemetryExtensions"/>.</summary>
public static class ReviewTelemetry
{
    public const string Name = "ReviewService";

    public static readonly ActivitySource Source = new(Name);
    static readonly Meter Meter = new(Name);

    public static readonly Counter<long> ReviewsSubmitted = Meter.CreateCounter<long>("reviews.submitted", "{review}", "Documents accepted for review.");
    public static readonly Counter<long> ReviewsFinished = Meter.CreateCounter<long>("reviews.finished", "{review}", "Reviews finished, by policy, status and decision.");
    public static readonly Counter<long> ChecksDecided = Meter.CreateCounter<long>("reviews.checks", "{check}", "Check findings, by policy, outcome and decidedBy.");
    public static readonly Counter<long> SubmissionsRejected = Meter.CreateCounter<long>("reviews.rejected", "{request}", "Submissions refused with a 4xx, by reason.");
    public static readonly Histogram<double> StageDuration = Meter.CreateHistogram<double>("reviews.stage.duration", "s", "Time spent per pipeline stage.");
    public static readonly Histogram<double> ReviewDuration = Meter.CreateHistogram<double>("reviews.duration", "s", "From submission to a finished review.");
}
