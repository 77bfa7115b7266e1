using Microsoft.AspNetCore.Http.HttpResults;
using ReviewService.Http;

namespace ReviewService.Policies;

public sealed record PolicySummary(string Name, string Version, string? Description, int Checks, int Rules);

public sealed record CheckSummary(string Name, string Title, string Question, string? CuadCategory, string Severity, IReadOnlyList<string> Rules);

public sealed record PolicyDetail(string Name, string Version, string? Description, double JudgeConfidenceThreshold,
    IReadOnlyList<CheckSummary> Checks, DecisionTableDefinition Decision);

public static class PoliciesApi
{
    public static RouteGroupBuilder MapPolicies(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/policies").WithTags("Policies");
        group.MapGet("/", List).WithSummary("Loaded policies and their versions");
        group.MapGet("/{name}", Get).WithSummary("A policy: its checks, rules and decision table");
        return group;
    }

    public static Ok<PolicySummary[]> List(PolicyCatalog policies) => TypedResults.Ok(policies.All
        .Select(p => new PolicySummary(p.Name, p.Version, p.Definition.Description, p.Checks.Count, p.Rules.Count)).ToArray());

    public static Results<Ok<PolicyDetail>, ProblemHttpResult> Get(string name, PolicyCatalog policies)
    {
        if (policies.Find(name) is not { } p)
        {
            return new Failure(FailureKind.NotFound, "Policy not found",
                $"There is no policy '{name}'. Loaded policies: {string.Join(", ", policies.All.Select(x => x.Name))}.").ToProblem();
        }
        var checks = p.Definition.Checks.Select(c => new CheckSummary(c.Name, c.Title, c.Question, c.CuadCategory, c.Severity,
            [.. p.RulesByCheck[c.Name].Select(r => r.Name)])).ToList();
        return TypedResults.Ok(new PolicyDetail(p.Name, p.Version, p.Definition.Description, p.Definition.JudgeConfidenceThreshold, checks, p.Definition.Decision));
    }
}

public sealed class PolicyOptions
{
    public const string Section = "Policies";
    /// <summary>The folder holding one sub-folder per policy; relative paths resolve from the program's folder.</summary>
    public string Directory { get; set; } = "rules";
}

public static class PolicyExtensions
{
    /// <summary>Loads and validates every policy now: a broken rule file stops the service at startup, naming the file and the rule.</summary>
    public static WebApplicationBuilder AddPolicies(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(PolicyOptions.Section).Get<PolicyOptions>() ?? new PolicyOptions();
        var directory = Path.IsPathRooted(options.Directory) ? options.Directory : Path.Combine(AppContext.BaseDirectory, options.Directory);
        builder.Services.AddSingleton(PolicyLoader.LoadAll(directory));
        return builder;
    }
}
