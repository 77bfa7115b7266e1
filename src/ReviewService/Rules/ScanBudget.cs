using System.Diagnostics;

namespace ReviewService.Rules;

/// <summary>
/// The time one document's detectors may take together. Detector regexes run without a per-match time limit (see
/// <see cref="Detector"/>), so the scans charge this budget before they try a branch; once it is spent, every scan
/// stops with a <see cref="TimeoutException"/> and the checks that needed one stay undetermined.
/// </summary>
public sealed class ScanBudget(TimeSpan limit)
{
    /// <summary>What a document gets by default: far above the few milliseconds a long contract takes.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

    // The clock is read at every whole-text search but only at the first and every 64th match attempt at a word, which are many and short.
    const int AttemptsPerClockRead = 64;

    readonly long _deadline = limit >= TimeSpan.FromDays(1) ? long.MaxValue : Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
    int _attempts;
    bool _spent;

    /// <summary>Before a match attempt at one place (<paramref name="atOnePlace"/>) or a search of the rest of the text.</summary>
    public void Charge(bool atOnePlace)
    {
        if (_spent || ((!atOnePlace || _attempts++ % AttemptsPerClockRead == 0) && Stopwatch.GetTimestamp() > _deadline))
        {
            _spent = true;
            throw new TimeoutException($"The rules stage's time budget for this document ({limit.TotalSeconds:0.###} s) is spent.");
        }
    }
}
