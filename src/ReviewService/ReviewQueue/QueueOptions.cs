using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ReviewService.ReviewQueue;

/// <summary><c>Queue</c> settings: how long a reviewer holds an item, and what share of automated reviews is sampled for QA.</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>A claim holds an item this long; claiming again renews it.</summary>
    public double LeaseMinutes { get; set; } = 15;

    /// <summary>Share (0–1) of reviews decided entirely by rules or the LLM that also go to reviewers as <c>qa-sample</c>.</summary>
    public double QaSampleRate { get; set; } = 0.05;

    /// <summary>How often the backlog gauges (queue depth, oldest item, pending reviews) read the database.</summary>
    public double BacklogPollSeconds { get; set; } = 15;

    public TimeSpan Lease => TimeSpan.FromMinutes(LeaseMinutes);

    /// <summary>
    /// Whether a review is sampled: a hash of its id against the rate, so the choice is uniform, independent of content,
    /// and the same on every instance and retry.
    /// </summary>
    public bool SamplesForQa(Guid reviewId)
    {
        if (QaSampleRate >= 1)
        {
            return true;
        }
        var hash = SHA256.HashData(reviewId.ToByteArray());
        return BinaryPrimitives.ReadUInt64BigEndian(hash) / (double)ulong.MaxValue < QaSampleRate;
    }
}
