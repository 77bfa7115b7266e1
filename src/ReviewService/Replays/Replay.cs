using ReviewService.Decisions;

namespace ReviewService.Replays;

/// <summary>
/// A replay to run: the loaded version of <see cref="Policy"/> on its stored reviews created since <see cref="Since"/>, newest
/// first, at most <see cref="Limit"/>, spending at most <see cref="MaxTokens"/> of the judge's tokens.
/// </summary>
public sealed record ReplayRequest(Guid Id, string Policy, string PolicyVersion, string RequestedBy, DateTimeOffset? Since, int Limit, long MaxTokens, DateTimeOffset CreatedAt);

/// <summary>A stored review as a replay reads it: its findings, and its text unless retention purged it.</summary>
public sealed record StoredReview(Guid Id, string PolicyVersion, IReadOnlyList<CheckFinding> Findings, string? Text, DateTimeOffset CreatedAt);

/// <summary>
/// How many stored reviews a replay evaluated again, skipped because their text was purged, or could not evaluate; and the
/// judge's tokens it spent (prompt and completion).
/// </summary>
public sealed record ReplayCounts(int Replayed, int SkippedPurged, int Failed, long Tokens = 0);

/// <summary>
/// One check across the replayed reviews: how many answers the loaded version would keep and change, each change as
/// <c>before→after</c> (outcomes; <c>value</c> when only the extracted value differs), and a few reviews that would change.
/// </summary>
public sealed record CheckReplay(string Check, int Compared, int Unchanged, int Changed, IReadOnlyDictionary<string, int> Transitions, IReadOnlyList<Guid> Examples);

/// <summary>
/// What a replay found so far; <see cref="Status"/> is <c>running</c>, <c>completed</c>, <c>budget-spent</c> (it stopped when
/// its judge had spent <see cref="MaxTokens"/>: the report covers the reviews before) or <c>interrupted</c> (its instance stopped).
/// </summary>
public sealed record ReplayReport(
    Guid Id, string Policy, string PolicyVersion, string RequestedBy, DateTimeOffset? Since, int Limit, long MaxTokens, string Status, ReplayCounts Reviews,
    IReadOnlyList<CheckReplay> Checks, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt);

/// <summary>The per-check tally a running replay adds each review to.</summary>
public sealed class ReplayTally
{
    const int MaxExamples = 5;
    readonly SortedDictionary<string, (int Compared, int Unchanged, Dictionary<string, int> Transitions, List<Guid> Examples)> _checks = new(StringComparer.Ordinal);

    public int Replayed { get; private set; }
    public int SkippedPurged { get; private set; }
    public int Failed { get; private set; }
    public long Tokens { get; private set; }

    public void Purged() => SkippedPurged++;

    public void Spent(long tokens) => Tokens += tokens;

    public void Unreadable() => Failed++;

    /// <summary>Compares the stored findings of one review with the loaded version's, check by check.</summary>
    public void Add(Guid review, IReadOnlyList<CheckFinding> stored, IReadOnlyList<CheckFinding> replayed)
    {
        Replayed++;
        var before = stored.ToDictionary(f => f.Check);
        foreach (var after in replayed)
        {
            if (!_checks.TryGetValue(after.Check, out var tally))
            {
                tally = (0, 0, new Dictionary<string, int>(StringComparer.Ordinal), []);
            }
            tally.Compared++;
            var old = before.GetValueOrDefault(after.Check);
            var transition = old is null ? $"none→{after.Outcome.ToWire()}"
                : old.Outcome != after.Outcome ? $"{old.Outcome.ToWire()}→{after.Outcome.ToWire()}"
                : !string.Equals(old.Value, after.Value, StringComparison.Ordinal) ? "value" : null;
            if (transition is null)
            {
                tally.Unchanged++;
            }
            else
            {
                tally.Transitions[transition] = tally.Transitions.GetValueOrDefault(transition) + 1;
                if (tally.Examples.Count < MaxExamples)
                {
                    tally.Examples.Add(review);
                }
            }
            _checks[after.Check] = tally;
        }
    }

    public ReplayCounts Counts => new(Replayed, SkippedPurged, Failed, Tokens);

    public IReadOnlyList<CheckReplay> Checks => [.. _checks.Select(c => new CheckReplay(
        c.Key, c.Value.Compared, c.Value.Unchanged, c.Value.Compared - c.Value.Unchanged, c.Value.Transitions, c.Value.Examples))];
}
