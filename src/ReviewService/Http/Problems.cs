using Microsoft.AspNetCore.Http.HttpResults;

namespace ReviewService.Http;

/// <summary>The one table from expected failures to HTTP: every error leaves the service as RFC 9457 problem+json.</summary>
public static class Problems
{
    static readonly Dictionary<FailureKind, int> Status = new()
    {
        [FailureKind.Invalid] = StatusCodes.Status400BadRequest,
        [FailureKind.Unauthorized] = StatusCodes.Status401Unauthorized,
        [FailureKind.Forbidden] = StatusCodes.Status403Forbidden,
        [FailureKind.NotFound] = StatusCodes.Status404NotFound,
        [FailureKind.Conflict] = StatusCodes.Status409Conflict,
        [FailureKind.Gone] = StatusCodes.Status410Gone,
        [FailureKind.TooLarge] = StatusCodes.Status413PayloadTooLarge,
        [FailureKind.UnsupportedMediaType] = StatusCodes.Status415UnsupportedMediaType,
        [FailureKind.Unprocessable] = StatusCodes.Status422UnprocessableEntity,
        [FailureKind.TooManyRequests] = StatusCodes.Status429TooManyRequests,
        [FailureKind.Busy] = StatusCodes.Status503ServiceUnavailable,
    };

    public static int StatusOf(FailureKind kind) => Status[kind];

    /// <summary>The problem member (and <c>Retry-After</c> header) that tells a client when to try again.</summary>
    public const string RetryAfterSeconds = "retryAfterSeconds";

    /// <summary>Details for the statuses the framework answers on its own (routing, authentication), so they say what to do too.</summary>
    static readonly Dictionary<int, string> FrameworkDetails = new()
    {
        [StatusCodes.Status404NotFound] = "There is no such endpoint. The API is described at /openapi/v1.json (Development) and in the README.",
        [StatusCodes.Status405MethodNotAllowed] = "This endpoint does not accept that HTTP method.",
        [StatusCodes.Status415UnsupportedMediaType] = "Send the request body as application/json or multipart/form-data.",
    };

    public static ProblemHttpResult ToProblem(this Failure failure)
    {
        var extensions = new Dictionary<string, object?>(failure.Extensions ?? new Dictionary<string, object?>());
        if (failure.Errors is not null)
        {
            extensions["errors"] = failure.Errors;
        }
        return TypedResults.Problem(failure.Detail, statusCode: Status[failure.Kind], title: failure.Title, extensions: extensions);
    }

    public static WebApplicationBuilder AddProblems(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            if (c.ProblemDetails.Detail is null && c.ProblemDetails.Status is { } status && FrameworkDetails.TryGetValue(status, out var detail))
            {
                c.ProblemDetails.Detail = detail;
            }
            c.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToHexString() ?? c.HttpContext.TraceIdentifier;
            // A failure that says when to come back (rate limits, a busy extraction gate) says it in the header clients read too.
            if (c.ProblemDetails.Extensions.TryGetValue(RetryAfterSeconds, out var seconds) && seconds is int retryAfter)
            {
                c.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        return builder;
    }

    /// <summary>Unhandled exceptions become a 500 problem without internals; bare status codes (401, 404, 405) get a problem body too.</summary>
    public static WebApplication UseProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
