using System.Text.RegularExpressions;

namespace ReviewService.Policies;

/// <summary>Patterns a policy may not load: those that could backtrack exponentially.</summary>
public static partial class PatternSafety
{
    /// <summary>A repeated group may itself repeat something without bound only up to this many times.</summary>
    public const int MaxRepeatsOfUnboundedGroup = 5;

    /// <summary>
    /// Why the pattern could backtrack exponentially, or null: a group that holds an unbounded repetition (<c>*</c>,
    /// <c>+</c>, <c>{n,}</c>) repeated without bound or more than <see cref="MaxRepeatsOfUnboundedGroup"/> times, as in
    /// <c>(a+)+</c>. Bounded repeats of such a group (<c>(?:\w+\s+){0,5}</c>) cost at most a small power of the run they read.
    /// </summary>
    public static string? NestedRepetition(string pattern)
    {
        // For each open group, whether something inside it repeats without bound.
        var open = new Stack<bool>();
        var closedUnbounded = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            var groupJustClosed = false;
            if (c == '\\')
            {
                i += pattern.AsSpan(i + 1).StartsWith("p{") || pattern.AsSpan(i + 1).StartsWith("P{") ? pattern.IndexOf('}', i) - i : 1;
            }
            else if (c == '[')
            {
                i = ClassEnd(pattern, i);
            }
            else if (c == '(')
            {
                open.Push(false);
            }
            else if (c == ')' && open.Count > 0)
            {
                closedUnbounded = open.Pop();
                groupJustClosed = true;
                if (closedUnbounded && open.Count > 0)
                {
                    open.Push(open.Pop() | true);
                }
            }
            if (i + 1 >= pattern.Length || Quantifier(pattern, i + 1) is not { } q)
            {
                continue;
            }
            if (groupJustClosed && closedUnbounded && (q.Max is null || q.Max > MaxRepeatsOfUnboundedGroup))
            {
                return $"the group ending at character {i + 1} repeats something without bound and is itself repeated " +
                    $"{(q.Max is null ? "without bound" : $"up to {q.Max} times")} ('{pattern[(i + 1)..(i + 1 + q.Length)]}'), which can backtrack " +
                    $"exponentially; repeat it at most {MaxRepeatsOfUnboundedGroup} times or make the inner repetition bounded.";
            }
            if (q.Max is null && open.Count > 0)
            {
                open.Push(open.Pop() | true);
            }
            i += q.Length;
        }
        return null;
    }

    // The quantifier at i ('*', '+', '?', '{n}', '{n,}', '{n,m}', each maybe lazy): its upper bound (null = none) and length.
    static (int? Max, int Length)? Quantifier(string pattern, int i)
    {
        (int? Max, int Length)? q = pattern[i] switch
        {
            '*' or '+' => (null, 1),
            '?' => (1, 1),
            '{' => Braces(pattern, i),
            _ => null,
        };
        return q is { } found && i + found.Length < pattern.Length && pattern[i + found.Length] == '?' ? (found.Max, found.Length + 1) : q;
    }

    static (int? Max, int Length)? Braces(string pattern, int i)
    {
        var m = BracesQuantifier().Match(pattern, i);
        if (!m.Success || m.Index != i)
        {
            return null;
        }
        int? max = !m.Groups["comma"].Success ? int.Parse(m.Groups["min"].Value, System.Globalization.CultureInfo.InvariantCulture)
            : m.Groups["max"].Length > 0 ? int.Parse(m.Groups["max"].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        return (max, m.Length);
    }

    // The index of the ']' that closes the class opened at i.
    static int ClassEnd(string pattern, int i)
    {
        i++;
        if (i < pattern.Length && pattern[i] == '^')
        {
            i++;
        }
        if (i < pattern.Length && pattern[i] == ']')
        {
            i++;
        }
        for (; i < pattern.Length && pattern[i] != ']'; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
            }
        }
        return i;
    }

    [GeneratedRegex(@"\{(?<min>\d+)(?<comma>,(?<max>\d*))?\}")]
    private static partial Regex BracesQuantifier();
}

/// <summary>A detector pattern that compiles but could backtrack exponentially (<see cref="PatternSafety.NestedRepetition"/>).</summary>
public sealed class UnsafePatternException(string message) : ArgumentException(message);
