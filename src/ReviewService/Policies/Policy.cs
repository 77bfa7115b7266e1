using ReviewService.Rules;

namespace ReviewService.Policies;

/// <summary>A loaded, validated policy: its definition, compiled detectors and rules, and the content hash that versions it.</summary>
public sealed class Policy
{
    internal Policy(PolicyDefinition definition, string version, IReadOnlyDictionary<string, Detector> detectors,
        RulesEngine.RulesEngine engine, IReadOnlyList<string> workflows, IReadOnlyDictionary<string, CompiledRule> rules)
    {
        Definition = definition;
        Version = version;
        Detectors = detectors;
        Engine = engine;
        Workflows = workflows;
        Rules = rules;
        Checks = definition.Checks.ToDictionary(c => c.Name, StringComparer.Ordinal);
        RulesByCheck = rules.Values.OrderBy(r => r.Order).ToLookup(r => r.Check, StringComparer.Ordinal);
        DetectorsByCheck = definition.Checks.ToDictionary(c => c.Name,
            c => (IReadOnlyList<string>)[.. RulesByCheck[c.Name].SelectMany(r => r.Detectors).Distinct()], StringComparer.Ordinal);
    }

    public string Name => Definition.Name;
    public string Version { get; }
    public PolicyDefinition Definition { get; }
    public IReadOnlyDictionary<string, CheckDefinition> Checks { get; }
    public IReadOnlyDictionary<string, Detector> Detectors { get; }
    internal RulesEngine.RulesEngine Engine { get; }
    internal IReadOnlyList<string> Workflows { get; }
    /// <summary>Rule metadata by rule name, in file order.</summary>
    public IReadOnlyDictionary<string, CompiledRule> Rules { get; }
    /// <summary>Each check's rules, in file order.</summary>
    public ILookup<string, CompiledRule> RulesByCheck { get; }
    /// <summary>The detectors each check's rules read: its default candidates, and what a detector time-out invalidates.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DetectorsByCheck { get; }
}

/// <summary>What a rule decides when its expression holds.</summary>
public sealed record CompiledRule(
    string Name, string Workflow, string Check, Outcome Outcome, double Confidence,
    IReadOnlyList<string> Detectors, IReadOnlyList<string> EvidenceDetectors, int Order);

/// <summary>The policies the service loaded at startup, by name.</summary>
public sealed class PolicyCatalog(IReadOnlyList<Policy> policies)
{
    readonly Dictionary<string, Policy> _byName = policies.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public IReadOnlyList<Policy> All { get; } = policies;

    public Policy? Find(string? name) => name is not null && _byName.TryGetValue(name, out var p) ? p : null;
}
