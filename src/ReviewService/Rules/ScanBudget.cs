
namespace ReviewService.Rules;

/// <summary>
/// How much matching one document's detectors may do together, counted in match attempts, not seconds, so that a
/// document gets the same findings however busy the machine is (a clock also charged the first documents for the
/// JIT compiling the detectors). Detector regexes run without a per-match time limit (see <see cref="Detector"/>);
/// the scans charge this budget before they try a branch at a word (one attempt) or search the rest of the text (one
/// attempt per <see cref="CharsPerSearchAttempt"/> characters). Once it is spent every scan stops, and the checks
/// that needed one stay undetermined.
/// </summary>
public sealed class ScanBudget(long attempts)
{
    /// <summary>The attempts this budget allows.</summary>
    public long Attempts { get; } = attempts;

    /// <summary>Attempts a document gets per character of its text, on top of <see cref="MinimumAttempts"/>: ten times what the
    /// most demanding cuad-dev contract needs (0.75), 0.2 on average.</summary>
    public const int AttemptsPerChar = 8;
    public const long MinimumAttempts = 100_000;
    const int CharsPerSearchAttempt = 100;

    long _left = attempts;

    /// <summary>The budget for a text of <paramref name="length"/> characters.</summary>
    public static ScanBudget For(int length) => new(MinimumAttempts + (long)AttemptsPerChar * length);

    /// <summary>Attempts charged so far.</summary>
    public long Spent => Attempts - _left;

    /// <summary>Before a match attempt at one place, or a search of the <paramref name="chars"/> characters left of the text.</summary>
    public void Charge(int chars = 0)
    {
        _left -= 1 + chars / CharsPerSearchAttempt;
        if (_left < 0)
        {
            _left = -1;
            throw new ScanBudgetSpentException(Attempts);
        }
    }
}

/// <summary>A document's <see cref="ScanBudget"/> ran out: the scan that threw, and every later one, stopped early.</summary>
public sealed class ScanBudgetSpentException(long attempts)
    : Exception($"The detectors used up this document's budget of {attempts} match attempts.");
