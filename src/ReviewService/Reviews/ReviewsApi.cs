using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using ReviewService.Auth;
using ReviewService.Http;
using ReviewService.Storage;

namespace ReviewService.Reviews;

public static class ReviewsApi
{
    public static RouteGroupBuilder MapReviews(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/reviews").WithTags("Reviews");
        group.MapPost("/", SubmitReview.HandleAsync)
            .Accepts<Ingestion.SubmitReviewRequest>("application/json", "multipart/form-data")
            .WithSummary("Submit a document for review")
            .DisableAntiforgery()
            .RequireAuthorization(Access.Submit);
        group.MapGet("/{id:guid}", GetAsync).WithSummary("A review: status, decision and findings with evidence").RequireAuthorization(Access.ReadReviews);
        group.MapGet("/{id:guid}/document", GetDocumentAsync).WithSummary("The extracted text that evidence offsets point into").RequireAuthorization(Access.ReadReviews);
        group.MapPost("/{id:guid}/reevaluate", Reevaluate.HandleAsync)
            .WithSummary("Evaluate a finished review again under the loaded policy version; the replaced evaluation is kept as a revision")
            .RequireAuthorization(Access.Reevaluate);
        group.MapGet("/{id:guid}/revisions", Reevaluate.ListRevisionsAsync).WithSummary("Every evaluation of a review with its policy version, the current one last")
            .RequireAuthorization(Access.ReadReviews);
        group.MapGet("/", ListAsync).WithSummary("Reviews, newest first, paged with a cursor (an analyst's own)").RequireAuthorization(Access.ReadReviews);
        return group;
    }

    public static async Task<Results<Ok<ReviewResponse>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, IReviewStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } review && user.CanRead(review) ? TypedResults.Ok(ReviewResponse.From(review)) : NotFound(id);

    public static async Task<Results<Ok<DocumentText>, ProblemHttpResult>> GetDocumentAsync(Guid id, ClaimsPrincipal user, IReviewStore store, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } review || !user.CanRead(review))
        {
            return NotFound(id);
        }
        var text = review.TextPurgedAt is null ? await store.GetTextAsync(id, ct) : null;
        return text is null
            ? new Failure(FailureKind.Gone, "Document text purged",
                $"The text of review {id} was purged by the retention policy at {review.TextPurgedAt:O}; its decision, findings and audit trail remain.").ToProblem()
            : TypedResults.Ok(new DocumentText(id, review.Document.FileName, review.Document.Format, review.Document.PageStarts, text));
    }

    public static async Task<Results<Ok<ReviewList>, ProblemHttpResult>> ListAsync(
        string? status, string? policy, string? since, string? limit, string? cursor, ClaimsPrincipal user, IReviewStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var sinceTime = QueryParameters.Since(since, errors);
        var pageSize = QueryParameters.Limit(limit, 50, 200, errors);
        var parsedStatus = ReviewStatusText.Parse(status);
        if (status is not null && parsedStatus is null)
        {
            errors["status"] = ["Use one of: pending, completed, needs_review, failed."];
        }
        var after = DecodeCursor(cursor);
        if (cursor is not null && after is null)
        {
            errors["cursor"] = ["The cursor is not valid; use the nextCursor of a previous page."];
        }
        if (QueryParameters.Invalid("Invalid query", errors) is { } invalid)
        {
            return invalid.ToProblem();
        }
        var page = await store.ListAsync(new ReviewQuery(parsedStatus, policy, sinceTime, pageSize, after, user.OwnReviewsOnly()), ct);
        return TypedResults.Ok(new ReviewList([.. page.Items.Select(ReviewSummary.From)], EncodeCursor(page.Next)));
    }

    static ProblemHttpResult NotFound(Guid id) =>
        new Failure(FailureKind.NotFound, "Review not found", $"There is no review {id}.").ToProblem();

    static string? EncodeCursor(ReviewCursor? cursor) => cursor is null ? null
        : Convert.ToBase64String(Encoding.UTF8.GetBytes($"{cursor.CreatedAtMs}|{cursor.Id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static ReviewCursor? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 200)
        {
            return null;
        }
        var base64 = cursor.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        var buffer = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, buffer, out var written))
        {
            return null;
        }
        var parts = Encoding.UTF8.GetString(buffer, 0, written).Split('|');
        return parts.Length == 2 && long.TryParse(parts[0], out var ms) && Guid.TryParse(parts[1], out _) ? new ReviewCursor(ms, parts[1]) : null;
    }
}
