using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ReviewService.Auth;
using ReviewService.Http;
using ReviewService.Policies;
using ReviewService.Storage;

namespace ReviewService.Replays;

/// <summary>
/// <c>POST /v1/policies/{name}/replay?since=&amp;limit=&amp;maxTokens=</c> (admins): tries the loaded version of a policy on stored reviews,
/// in the background, without changing them, and reports per check which answers would change
/// (<c>GET /v1/policies/{name}/replays/{id}</c>). A team tries a rule change on its real traffic before shipping it.
/// </summary>
public static class ReplaysApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;
    /// <summary>The judge's tokens a replay may spend by default: about a hundred reviews' worth (5,000 tokens each on cuad-dev).</summary>
    public const int DefaultMaxTokens = 500_000;
    public const int MaxMaxTokens = 50_000_000;

    public static RouteGroupBuilder MapReplays(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/policies/{name}").WithTags("Policies").RequireAuthorization(Access.Administer);
        group.MapPost("/replay", StartAsync).WithSummary("Replay the loaded policy version on stored reviews, without changing them");
        group.MapGet("/replays/{id:guid}", GetAsync).WithSummary("A replay's progress and, per check, the answers that would change");
        return group;
    }

    public static async Task<Results<Accepted<ReplayReport>, ProblemHttpResult>> StartAsync(
        string name, string? since, string? limit, string? maxTokens, ClaimsPrincipal user, PolicyCatalog policies, IReplayStore store, ReplayRunner runner,
        TimeProvider clock, CancellationToken ct)
    {
        if (policies.Find(name) is not { } policy)
        {
            return new Failure(FailureKind.NotFound, "Policy not found",
                $"There is no policy '{name}'. Loaded policies: {string.Join(", ", policies.All.Select(p => p.Name))}.").ToProblem();
        }
        var errors = new Dictionary<string, string[]>();
        var from = QueryParameters.Since(since, errors);
        var count = QueryParameters.Limit(limit, DefaultLimit, MaxLimit, errors);
        var tokens = QueryParameters.Limit(maxTokens, DefaultMaxTokens, MaxMaxTokens, errors, "maxTokens");
        if (QueryParameters.Invalid("Invalid replay", errors) is { } invalid)
        {
            return invalid.ToProblem();
        }
        var replay = new ReplayRequest(Guid.CreateVersion7(), policy.Name, policy.Version, user.Identity?.Name ?? "unknown", from, count, tokens, clock.GetUtcNow());
        await store.CreateAsync(replay, ct);
        runner.Enqueue(replay);
        var location = $"/v1/policies/{policy.Name}/replays/{replay.Id}";
        return TypedResults.Accepted(location, (await store.GetAsync(replay.Id, clock.GetUtcNow() - ReplayRunner.Stale, ct))!);
    }

    public static async Task<Results<Ok<ReplayReport>, ProblemHttpResult>> GetAsync(
        string name, Guid id, IReplayStore store, TimeProvider clock, CancellationToken ct) =>
        await store.GetAsync(id, clock.GetUtcNow() - ReplayRunner.Stale, ct) is { } report && report.Policy == name
            ? TypedResults.Ok(report)
            : new Failure(FailureKind.NotFound, "Replay not found", $"Policy '{name}' has no replay {id}.").ToProblem();
}
