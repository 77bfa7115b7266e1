using ReviewService.Decisions;
using ReviewService.Retrieval;
using ReviewService.Rules;

namespace ReviewService.Policies;

/// <summary>A loaded, validated policy: its definition, compiled detectors and rules, and the content hash that versions it.</summary>
public sealed class Policy
{
    internal Policy(PolicyDefinition definition, string version, DetectorSet detectors, IReadOnlyList<CompiledRule> rules,
        RetrievalProfile? profile)
    {
        Profile = profile;
        Ranker = new PassageRanker(definition, profile);
        Definition = definition;
        Version = version;
        Detectors = detectors;
        InOrder = rules;
        Rules = rules.ToDictionary(r => r.Name, StringComparer.Ordinal);
        Checks = definition.Checks.ToDictionary(c => c.Name, StringComparer.Ordinal);
        RulesByCheck = rules.ToLookup(r => r.Check, StringComparer.Ordinal);
        DetectorsByCheck = definition.Checks.ToDictionary(c => c.Name,
            c => (IReadOnlyList<string>)[.. RulesByCheck[c.Name].SelectMany(r => r.Detectors).Distinct()], StringComparer.Ordinal);
    }

    public string Name => Definition.Name;
    public string Version { get; }
    public PolicyDefinition Definition { get; }
    public IReadOnlyDictionary<string, CheckDefinition> Checks { get; }
    public DetectorSet Detectors { get; }
    /// <summary>The rules in file order (files by name): the order in which they decide.</summary>
    public IReadOnlyList<CompiledRule> InOrder { get; }
    /// <summary>Rule metadata by rule name.</summary>
    public IReadOnlyDictionary<string, CompiledRule> Rules { get; }
    /// <summary>Each check's rules, in file order.</summary>
    public ILookup<string, CompiledRule> RulesByCheck { get; }
    /// <summary>The detectors each check's rules read: its default candidates, and what a detector time-out invalidates.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DetectorsByCheck { get; }
    /// <summary>The checks' term profiles (<c>retrieval.json</c>), when the policy has one.</summary>
    public RetrievalProfile? Profile { get; }
    /// <summary>Ranks a document's passages for each check: the retrieval stage's query per check.</summary>
    public PassageRanker Ranker { get; }
    /// <summary>The rules' measured precisions (<c>calibration.json</c>), when the policy has them: the rules' confidences come from here.</summary>
    public Calibration? Calibration { get; init; }
}

/// <summary>What a rule decides when its expression holds, and the expression compiled (<see cref="Holds"/>).</summary>
public sealed record CompiledRule(
    string Name, string Workflow, string Check, Outcome Outcome, double Confidence,
    IReadOnlyList<string> Detectors, IReadOnlyList<string> EvidenceDetectors, Func<DetectorHits, bool> Holds);

/// <summary>The policies the service loaded at startup, by name.</summary>
public sealed class PolicyCatalog(IReadOnlyList<Policy> policies)
{
    readonly Dictionary<string, Policy> _byName = policies.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public IReadOnlyList<Policy> All { get; } = policies;

    public Policy? Find(string? name) => name is not null && _byName.TryGetValue(name, out var p) ? p : null;
}
