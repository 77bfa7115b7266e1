using System.Text.RegularExpressions;

namespace ReviewService.Rules;

/// <summary>
/// A detector's matches in one text, in order: the leftmost match of any branch, as a single alternation finds them.
/// Given the text's <see cref="WordStarts"/>, a branch with a <see cref="BranchPrefix"/> is tried only where its words
/// are, anchored there: a match cannot start anywhere else, and at a given start the anchored branch backtracks exactly
/// as the branch does (it sees the same text, before the start too), so the first start that matches is the leftmost match.
/// </summary>
public sealed class DetectorCursor(Detector detector, string text, WordStarts? words = null, ScanBudget? budget = null)
{
    readonly Match?[] _next = new Match?[detector.Branches.Count];
    readonly int[]?[] _starts = new int[]?[detector.Branches.Count];
    readonly int[] _tried = new int[detector.Branches.Count];
    int _position;

    /// <summary>The next match at or after the end of the previous one; null when there is none.</summary>
    public Match? Next()
    {
        Match? best = null;
        var bestBranch = -1;
        void Consider(int b)
        {
            if (_next[b] is { Success: true } m && (best is null || m.Index < best.Index || (m.Index == best.Index && b < bestBranch)))
            {
                best = m;
                bestBranch = b;
            }
        }
        // Branches whose next match is known, or that cannot be searched by word, go first: the leftmost of their matches
        // bounds the others, which then look at their words only up to it (and go on from there on the next call).
        for (var b = 0; b < _next.Length; b++)
        {
            if (!IsKnown(b) && !IsByWord(b))
            {
                _next[b] = Find(b, int.MaxValue);
            }
            if (IsKnown(b))
            {
                Consider(b);
            }
        }
        for (var b = 0; b < _next.Length; b++)
        {
            if (!IsKnown(b))
            {
                _next[b] = Find(b, best?.Index ?? int.MaxValue);
                Consider(b);
            }
        }
        if (best is null)
        {
            _position = text.Length + 1;
            return null;
        }
        _position = best.Index + Math.Max(best.Length, 1);
        return best;
    }

    /// <summary>
    /// Whether the detector matches anywhere, asked before any <see cref="Next"/>: the branches are tried in turn and the
    /// first that matches answers, leaving the rest for <see cref="Next"/> to find if it is called. Only for a detector
    /// whose every match has a prefix word (<see cref="Detector.MatchesAreNeverEmpty"/>): then a branch's match means
    /// the alternation finds a non-empty match too.
    /// </summary>
    public bool Any()
    {
        if (_position != 0 || !detector.MatchesAreNeverEmpty)
        {
            throw new InvalidOperationException("Any() answers only before the scan starts, for a detector whose matches are never empty.");
        }
        for (var b = 0; b < _next.Length; b++)
        {
            if ((_next[b] ??= Find(b, int.MaxValue))!.Success)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// After <see cref="Any"/> answered true, and before any <see cref="Next"/>: the matches of each branch in pattern
    /// order, from the first that matches, each branch's in text order (a search going on after the previous match). The
    /// caller reads only as far as it needs: the first branch's matches cost no other branch a try. Branches stop being
    /// tried once <paramref name="attempts"/> attempts are spent (the first branch's next matches count too).
    /// </summary>
    public IEnumerable<Match> BranchMatches(int attempts)
    {
        var spent = 0;
        var first = Array.FindIndex(_next, m => m is { Success: true });
        if (_position != 0 || first < 0)
        {
            throw new InvalidOperationException("BranchMatches() follows an Any() that answered true, before the scan starts.");
        }
        for (var b = first; b < _next.Length; b++)
        {
            // Any() left each branch it tried with its first match, or none; a branch after those starts from the text's start.
            var match = _next[b] ?? FindFrom(b, 0, ref spent, attempts);
            while (match.Success)
            {
                yield return match;
                match = FindFrom(b, match.Index + Math.Max(match.Length, 1), ref spent, attempts);
            }
            if (spent >= attempts)
            {
                yield break;
            }
        }
    }

    // The branch's first match at or after position, independent of the scan's own position.
    Match FindFrom(int branch, int position, ref int spent, int attempts)
    {
        if (!IsByWord(branch))
        {
            if (spent >= attempts || position > text.Length)
            {
                return Match.Empty;
            }
            spent += 1 + (text.Length - position) / 100;
            return SearchRest(branch, position);
        }
        var starts = Starts(branch);
        var i = Array.BinarySearch(starts, position);
        for (i = i < 0 ? ~i : i; i < starts.Length && spent < attempts; i++)
        {
            spent++;
            if (TryAt(branch, starts[i]) is { Success: true } match)
            {
                return match;
            }
        }
        return Match.Empty;
    }

    /// <summary>
    /// The branch's leftmost match at or after the current position; a failed match when there is none. A branch searched by
    /// word stops at words after <paramref name="limit"/>, returning null when none up to there matches.
    /// </summary>
    Match? Find(int branch, int limit)
    {
        if (!IsByWord(branch))
        {
            return SearchRest(branch, _position);
        }
        // Each later search goes on from where the last one stopped.
        var starts = Starts(branch);
        var i = _tried[branch];
        while (i < starts.Length && starts[i] < _position)
        {
            i++;
        }
        for (; i < starts.Length && starts[i] <= limit; i++)
        {
            var match = TryAt(branch, starts[i]);
            if (match.Success)
            {
                _tried[branch] = i;
                return match;
            }
        }
        _tried[branch] = i;
        return i < starts.Length ? null : Match.Empty;
    }

    // The places where a branch searched by word has its words, found once.
    int[] Starts(int branch) => _starts[branch] ??= words!.Find(detector.Prefixes[branch]!);

    // One match attempt of a branch searched by word, at one of its places.
    Match TryAt(int branch, int start)
    {
        budget?.Charge();
        return detector.Anchored[branch]!.Match(text, start);
    }

    // A search of the text from position on, by a branch that is not searched by word.
    Match SearchRest(int branch, int position)
    {
        budget?.Charge(text.Length - position);
        return detector.Branches[branch].Match(text, position);
    }

    bool IsByWord(int branch) => words is not null && detector.Prefixes[branch] is not null;

    // A branch's next match is known when it was found at or after the current position, or when there is none.
    bool IsKnown(int branch) => _next[branch] is { } m && (!m.Success || m.Index >= _position);
}
