namespace ReviewService;

/// <summary>What kind of expected failure happened; <see cref="Http.Problems"/> maps each kind to one HTTP status.</summary>
public enum FailureKind
{
    Invalid,
    UnsupportedMediaType,
    Unprocessable,
    TooLarge,
    NotFound,
    Conflict,
    /// <summary>It existed and was removed on purpose (e.g. a document text purged by retention).</summary>
    Gone,
    Unauthorized,
    Forbidden,
    TooManyRequests,
    Busy,
}

/// <summary>
/// An expected failure as a value: a title and a detail a person can act on; <see cref="Extensions"/> are extra members of the
/// problem a client can read (e.g. who holds a lease).
/// </summary>
public sealed record Failure(
    FailureKind Kind, string Title, string Detail, IDictionary<string, string[]>? Errors = null, IReadOnlyDictionary<string, object?>? Extensions = null)
{
    public static Failure Unprocessable(string title, string detail) => new(FailureKind.Unprocessable, title, detail);
}
