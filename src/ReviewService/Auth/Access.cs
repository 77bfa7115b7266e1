using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ReviewService.Storage;

namespace ReviewService.Auth;

/// <summary>
/// The one table of who may do what. Endpoints name a policy from here, never roles; SECURITY.md and the role-matrix test
/// read the same table.
/// </summary>
public static class Access
{
    /// <summary>Submit documents (analysts).</summary>
    public const string Submit = "submit";
    /// <summary>Read reviews, their text and audit trail: analysts their own (see <see cref="CanRead"/>), reviewers all of them.</summary>
    public const string ReadReviews = "read-reviews";
    /// <summary>Work the reviewers' queue and export its verdicts.</summary>
    public const string WorkQueue = "work-queue";
    /// <summary>Agreement statistics: reviewers (who make them) and operators (who watch them).</summary>
    public const string Stats = "stats";
    /// <summary>Evaluate a finished review again under the loaded policy (reviewers, admins); replay a policy over stored reviews is <see cref="Administer"/>.</summary>
    public const string Reevaluate = "reevaluate";
    /// <summary>Webhook subscriptions: analysts hear of their own reviews, admins of every review (see <see cref="OwnWebhooksOnly"/>).</summary>
    public const string Subscribe = "subscribe";
    /// <summary>Metrics and health details.</summary>
    public const string Operate = "operate";
    /// <summary>API keys; the rule files are changed by deploying them, which only admins may do (SECURITY.md).</summary>
    public const string Administer = "administer";

    public static readonly IReadOnlyDictionary<string, string[]> RolesByPolicy = new Dictionary<string, string[]>
    {
        [Submit] = [Roles.Analyst],
        [ReadReviews] = [Roles.Analyst, Roles.Reviewer],
        [WorkQueue] = [Roles.Reviewer],
        [Stats] = [Roles.Reviewer, Roles.Operator],
        [Subscribe] = [Roles.Analyst, Roles.Admin],
        [Reevaluate] = [Roles.Reviewer, Roles.Admin],
        [Operate] = [Roles.Operator],
        [Administer] = [Roles.Admin],
    };

    public static AuthorizationBuilder AddAccessPolicies(this AuthorizationBuilder builder)
    {
        foreach (var (policy, roles) in RolesByPolicy)
        {
            builder.AddPolicy(policy, p => p.RequireRole(roles));
        }
        // Everything needs a credential unless an endpoint says otherwise (only health does).
        return builder.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }

    /// <summary>
    /// Analysts read the reviews they submitted, nobody else's; reviewers read every review, since the queue spans teams.
    /// A review the caller may not read answers 404, so its existence is not revealed either.
    /// </summary>
    public static bool CanRead(this ClaimsPrincipal user, Review review) =>
        user.IsInRole(Roles.Reviewer) || (review.Submitter is not null && review.Submitter == user.Identity?.Name);

    /// <summary>Whose webhook subscriptions a caller sees and manages: null for everyone's (admins), else the caller's own.</summary>
    public static string? OwnWebhooksOnly(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Admin) ? null : user.Identity?.Name ?? "";

    /// <summary>Whose reviews a list shows: null for everyone's (reviewers), else the caller's own.</summary>
    public static string? OwnReviewsOnly(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Reviewer) ? null : user.Identity?.Name ?? "";
}
