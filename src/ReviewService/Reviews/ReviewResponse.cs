using ReviewService.Decisions;
using ReviewService.Judge;
using ReviewService.Storage;

namespace ReviewService.Reviews;

public sealed record PolicyRef(string Name, string Version);

public sealed record ReviewLinks(string Self, string Document);

/// <summary>
/// A review as the API returns it. <see cref="Degraded"/>: the LLM judge could not be used (<see cref="DegradedReason"/> says why),
/// so the checks it would have judged are in the reviewers' queue. <see cref="LlmUsage"/>: tokens and estimated cost of the judge's call.
/// <see cref="TextPurgedAt"/>: when retention removed the document text (the decision and findings stay).
/// </summary>
public sealed record ReviewResponse(
    Guid Id,
    string Status,
    PolicyRef Policy,
    DocumentInfo Document,
    string? ExternalRef,
    IReadOnlyDictionary<string, string> Metadata,
    ReviewDecision? Decision,
    IReadOnlyList<CheckFinding> Findings,
    string? Error,
    string? TraceId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    bool Degraded,
    string? DegradedReason,
    LlmUsage? LlmUsage,
    DateTimeOffset? TextPurgedAt,
    ReviewLinks Links)
{
    public static ReviewResponse From(Review r) => new(
        r.Id, r.Status.ToWire(), new PolicyRef(r.Policy, r.PolicyVersion), r.Document, r.ExternalRef, r.Metadata, r.Decision, r.Findings,
        r.Error, r.TraceId, r.CreatedAt, r.UpdatedAt, r.CompletedAt, r.DegradedReason is not null, r.DegradedReason, r.LlmUsage, r.TextPurgedAt,
        new ReviewLinks($"/v1/reviews/{r.Id}", $"/v1/reviews/{r.Id}/document"));
}

/// <summary>One line of the analysts' list.</summary>
public sealed record ReviewSummary(
    Guid Id, string Status, PolicyRef Policy, string FileName, string? ExternalRef, string? Decision, int Undetermined,
    DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    public static ReviewSummary From(Review r) => new(
        r.Id, r.Status.ToWire(), new PolicyRef(r.Policy, r.PolicyVersion), r.Document.FileName, r.ExternalRef, r.Decision?.Outcome,
        r.Findings.Count(f => !f.IsDecided), r.CreatedAt, r.CompletedAt);
}

public sealed record ReviewList(IReadOnlyList<ReviewSummary> Items, string? NextCursor);

/// <summary>The extracted text that evidence offsets point into.</summary>
public sealed record DocumentText(Guid ReviewId, string FileName, string Format, IReadOnlyList<int> PageStarts, string Text);
