namespace ReviewService.Http;

/// <summary>The query parameters several endpoints share, read one way: a bad value adds its message to <c>errors</c>.</summary>
public static class QueryParameters
{
    /// <summary><c>since</c>: an ISO 8601 date-time, or null when absent (or invalid, with an error).</summary>
    public static DateTimeOffset? Since(string? text, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, out var since))
        {
            return since;
        }
        errors["since"] = ["Use an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z."];
        return null;
    }

    /// <summary><c>limit</c> (or another count named <paramref name="name"/>): 1 to <paramref name="max"/>, <paramref name="fallback"/> when absent.</summary>
    public static int Limit(string? text, int fallback, int max, Dictionary<string, string[]> errors, string name = "limit")
    {
        if (text is null)
        {
            return fallback;
        }
        if (int.TryParse(text, out var limit) && limit >= 1 && limit <= max)
        {
            return limit;
        }
        errors[name] = [$"Use a {name} from 1 to {max}."];
        return fallback;
    }

    /// <summary>The 400 for the errors collected, or null when there are none.</summary>
    public static Failure? Invalid(string title, Dictionary<string, string[]> errors) =>
        errors.Count == 0 ? null : new Failure(FailureKind.Invalid, title, string.Join(" ", errors.Values.SelectMany(v => v)), errors);
}
