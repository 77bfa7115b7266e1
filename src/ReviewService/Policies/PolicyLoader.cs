using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;
using ReviewService.Decisions;
using ReviewService.Retrieval;
using ReviewService.Rules;

namespace ReviewService.Policies;

/// <summary>A policy folder that cannot be used: every problem found, each naming its file and rule.</summary>
public sealed class PolicyLoadException(IReadOnlyList<string> errors)
    : Exception("Policy files are invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Loads <c>rules/&lt;policy&gt;/</c>: <c>policy.json</c>, <c>detectors.json</c> and the RulesEngine workflows in <c>*.rules.json</c>.
/// Everything is validated up front so a bad rule deploy stops the service at startup, not a review at run time.
/// </summary>
public static partial class PolicyLoader
{
    public const string PolicyFile = "policy.json";
    public const string DetectorsFile = "detectors.json";
    public const string RulesPattern = "*.rules.json";

    static readonly RuleExpressionParser Parser = new(new ReSettings { CustomTypes = [typeof(DetectorHits)], AutoRegisterInputType = true });

    /// <summary>A rule expression compiled by RulesEngine's parser over <c>doc</c> (<see cref="DetectorHits"/>); throws when it does not compile.</summary>
    internal static Func<DetectorHits, bool> CompileExpression(string expression)
    {
        var holds = Parser.Compile<bool>(expression, [RuleParameter.Create(RulesEvaluator.Parameter, typeof(DetectorHits))]);
        return hits => holds([hits]);
    }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>
    /// Every policy under <paramref name="rulesDirectory"/>. Without <paramref name="calibrated"/>, a policy's <c>calibration.json</c>
    /// is not read and its rules keep their written confidence: how the calibration command loads a policy whose rules changed
    /// since its calibration was written.
    /// </summary>
    public static PolicyCatalog LoadAll(string rulesDirectory, bool calibrated = true)
    {
        if (!Directory.Exists(rulesDirectory))
        {
            throw new PolicyLoadException([$"{rulesDirectory}: the rules directory does not exist."]);
        }
        var policies = Directory.GetDirectories(rulesDirectory).Order(StringComparer.Ordinal)
            .Where(d => File.Exists(Path.Combine(d, PolicyFile)))
            .Select(d => Load(d, calibrated)).ToList();
        if (policies.Count == 0)
        {
            throw new PolicyLoadException([$"{rulesDirectory}: no policy folder (a folder with {PolicyFile}) found."]);
        }
        return new PolicyCatalog(policies);
    }

    public static Policy Load(string directory, bool calibrated = true)
    {
        var errors = new List<string>();
        var folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
        var definition = Read<PolicyDefinition>(Path.Combine(directory, PolicyFile), errors);
        var detectorFile = Read<DetectorFile>(Path.Combine(directory, DetectorsFile), errors);
        var ruleFiles = Directory.GetFiles(directory, RulesPattern).Order(StringComparer.Ordinal).ToList();
        if (ruleFiles.Count == 0)
        {
            errors.Add($"{folder}: no rules file ({RulesPattern}).");
        }
        if (definition is null || detectorFile is null || errors.Count > 0)
        {
            throw new PolicyLoadException(errors);
        }
        if (definition.Name != folder)
        {
            errors.Add($"{folder}/{PolicyFile}: name '{definition.Name}' must match its folder '{folder}'.");
        }

        var detectors = CompileDetectors(folder, detectorFile, errors);
        ValidateChecks(folder, definition, detectors, errors);

        var workflows = new HashSet<string>(StringComparer.Ordinal);
        var ruleNames = new HashSet<string>(StringComparer.Ordinal);
        List<CompiledRule> rules = [];
        foreach (var file in ruleFiles)
        {
            var name = $"{folder}/{Path.GetFileName(file)}";
            var workflow = Read<Workflow>(file, errors);
            if (workflow is null)
            {
                continue;
            }
            if (!workflows.Add(workflow.WorkflowName))
            {
                errors.Add($"{name}: duplicate workflow name '{workflow.WorkflowName}'.");
                continue;
            }
            foreach (var rule in workflow.Rules ?? [])
            {
                if (!ruleNames.Add(rule.RuleName))
                {
                    errors.Add($"{name}: rule '{rule.RuleName}': duplicate rule name in policy '{folder}'.");
                }
                else if (CompileRule(name, workflow.WorkflowName, rule, definition, detectors, errors) is { } compiled)
                {
                    rules.Add(compiled);
                }
            }
        }
        var profile = RetrievalProfile.Read(directory, errors);
        foreach (var unknown in profile?.Checks.Keys.Where(c => !definition.Checks.Any(d => d.Name == c)) ?? [])
        {
            errors.Add($"{folder}/{RetrievalProfile.FileName}: check '{unknown}' is not a check of the policy.");
        }
        // Measured confidence replaces the number written in each rule.
        var calibration = calibrated ? Calibration.Read(directory, [.. rules.Select(r => r.Name)], errors) : null;
        rules = calibration is null ? rules : [.. rules.Select(r => r with { Confidence = Math.Round(calibration.ConfidenceOf(r.Name), 4) })];
        return errors.Count > 0 ? throw new PolicyLoadException(errors)
            : new Policy(definition, Version(directory), new DetectorSet(detectors.Values), rules, profile) { Calibration = calibration };
    }

    /// <summary>The policy version: a content hash of every file in its folder, so any edit yields a new version.</summary>
    public static string Version(string directory)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(directory, file).Replace('\\', '/') + "\n"));
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..12];
    }

    static T? Read<T>(string path, List<string> errors) where T : class
    {
        var shown = $"{Path.GetFileName(Path.GetDirectoryName(path))}/{Path.GetFileName(path)}";
        if (!File.Exists(path))
        {
            errors.Add($"{shown}: file is missing.");
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? throw new JsonException("the file is empty");
        }
        catch (JsonException e)
        {
            errors.Add($"{shown}: {e.Message}");
            return null;
        }
    }

    static Dictionary<string, Detector> CompileDetectors(string folder, DetectorFile file, List<string> errors)
    {
        var detectors = new Dictionary<string, Detector>(StringComparer.Ordinal);
        foreach (var d in file.Detectors)
        {
            var where = $"{folder}/{DetectorsFile}: detector '{d.Name}'";
            if (detectors.ContainsKey(d.Name))
            {
                errors.Add($"{where}: duplicate detector name.");
                continue;
            }
            if ((d.Forms is null or { Count: 0 }) == (d.Keywords is null or { Count: 0 }))
            {
                errors.Add($"{where}: give exactly one of 'forms' or 'keywords'.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(d.Description))
            {
                errors.Add($"{where}: 'description' is required: say what language it finds, for the people who review the policy.");
            }
            foreach (var (form, n) in (d.Forms ?? []).Select((f, n) => (f, n + 1)).Where(x => x.f.Anchors.Count == 0 || x.f.Pattern.Count == 0))
            {
                errors.Add($"{where}: form {n}: 'anchors' (the words every match starts with) and 'pattern' are required.");
            }
            try
            {
                detectors[d.Name] = new Detector(d, file.Lists, file.Contexts);
            }
            catch (UnsafePatternException e)
            {
                errors.Add($"{where}: {e.Message}");
            }
            catch (ArgumentException e)
            {
                errors.Add($"{where}: the pattern does not compile: {e.Message}");
            }
        }
        return detectors;
    }

    static void ValidateChecks(string folder, PolicyDefinition definition, Dictionary<string, Detector> detectors, List<string> errors)
    {
        var where = $"{folder}/{PolicyFile}";
        if (definition.JudgeConfidenceThreshold is < 0 or > 1 or double.NaN)
        {
            errors.Add($"{where}: judgeConfidenceThreshold must be a number from 0 to 1.");
        }
        if (definition.TargetAccuracy is { } target)
        {
            foreach (var (level, value) in (target.BySeverity ?? new Dictionary<string, double>()).Prepend(new("overall", target.Overall)))
            {
                if (level != "overall" && !Severity.IsKnown(level))
                {
                    errors.Add($"{where}: targetAccuracy.bySeverity: '{level}' is not a severity (use {string.Join(", ", Severity.Levels)}).");
                }
                if (value is <= 0 or > 1 or double.NaN)
                {
                    errors.Add($"{where}: targetAccuracy {level}: {value} must be above 0 and at most 1 (0.95 means a final rules decision was measured right 95% of the time).");
                }
            }
        }
        foreach (var group in definition.Checks.GroupBy(c => c.Name).Where(g => g.Count() > 1))
        {
            errors.Add($"{where}: check '{group.Key}' is declared {group.Count()} times.");
        }
        foreach (var check in definition.Checks)
        {
            foreach (var unknown in (check.Candidates ?? []).Where(c => !detectors.ContainsKey(c)))
            {
                errors.Add($"{where}: check '{check.Name}': unknown candidate detector '{unknown}'.");
            }
            foreach (var v in new[] { check.ValueDetector, check.ValueFallback }.OfType<string>())
            {
                if (!detectors.TryGetValue(v, out var d) || !d.HasValue)
                {
                    errors.Add($"{where}: check '{check.Name}': value detector '{v}' must exist and have a (?<value>...) group.");
                }
            }
            if (check.ValueFallback is not null && check.ValueDetector is null)
            {
                errors.Add($"{where}: check '{check.Name}': valueFallback needs a valueDetector to fall back from.");
            }
            if (check.ValueClause is { } sentence && (check.ValueDetector is null || !detectors.ContainsKey(sentence)))
            {
                errors.Add($"{where}: check '{check.Name}': valueClause must name a detector, and needs a valueDetector whose values it chooses among.");
            }
            if (check.ValueKind is not (null or ValueNormalizer.Jurisdiction or ValueNormalizer.Duration or ValueNormalizer.Date))
            {
                errors.Add($"{where}: check '{check.Name}': unknown valueKind '{check.ValueKind}'.");
            }
            if (!Severity.IsKnown(check.Severity))
            {
                errors.Add($"{where}: check '{check.Name}': severity must be one of {string.Join(", ", Severity.Levels)} (got '{check.Severity}').");
            }
        }
        var levels = definition.Decision.Levels;
        foreach (var rule in definition.Decision.Rules)
        {
            if (!definition.Checks.Any(c => c.Name == rule.Check))
            {
                errors.Add($"{where}: decision rule for unknown check '{rule.Check}'.");
            }
            if (!levels.Contains(rule.Decision))
            {
                errors.Add($"{where}: decision rule for '{rule.Check}': decision '{rule.Decision}' is not one of {string.Join(", ", levels)}.");
            }
        }
    }

    /// <summary>
    /// Reads a rule's properties and compiles its expression with RulesEngine's parser (Dynamic LINQ over <c>doc</c>), once
    /// the expression is known to use only the detector queries: a typo fails startup, naming the rule.
    /// </summary>
    static CompiledRule? CompileRule(string file, string workflow, Rule rule, PolicyDefinition definition,
        Dictionary<string, Detector> detectors, List<string> errors)
    {
        var where = $"{file}: rule '{rule.RuleName}'";
        var errorsBefore = errors.Count;
        var properties = rule.Properties ?? [];
        var check = Property(properties, "check");
        var outcomeText = Property(properties, "outcome");
        if (check is null || !definition.Checks.Any(c => c.Name == check))
        {
            errors.Add($"{where}: property 'check' must name a check of the policy (got '{check}').");
            return null;
        }
        if (!Enum.TryParse<Outcome>(outcomeText, ignoreCase: true, out var outcome))
        {
            errors.Add($"{where}: property 'outcome' must be present, absent or undetermined (got '{outcomeText}').");
            return null;
        }
        if (string.IsNullOrWhiteSpace(rule.Expression))
        {
            errors.Add($"{where}: the expression is empty.");
            return null;
        }
        if (!ExpressionGrammar().IsMatch(DetectorReference().Replace(rule.Expression, "\"\"")))
        {
            errors.Add($"{where}: an expression may use only doc.Has, doc.Count, doc.Near and doc.CountWithout with detector names, " +
                "numbers, !, &&, ||, comparisons and parentheses. Rule files are code run by Dynamic LINQ; this keeps them from reaching anything else.");
        }
        var confidenceText = Property(properties, "confidence");
        var confidence = outcome == Outcome.Undetermined ? 0 : 0.9;
        if (confidenceText is not null && (!double.TryParse(confidenceText, out confidence) || confidence is < 0 or > 1))
        {
            errors.Add($"{where}: property 'confidence' must be a number from 0 to 1.");
        }
        var referenced = DetectorReference().Matches(rule.Expression).Select(m => m.Groups["name"].Value).Distinct().ToList();
        foreach (var unknown in referenced.Where(n => !detectors.ContainsKey(n)))
        {
            errors.Add($"{where}: unknown detector '{unknown}'.");
        }
        var evidence = properties.TryGetValue("evidence", out var e) && e is JsonElement { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
            : referenced;
        foreach (var unknown in evidence.Where(n => !detectors.ContainsKey(n)))
        {
            errors.Add($"{where}: unknown evidence detector '{unknown}'.");
        }
        if (errors.Count > errorsBefore)
        {
            return null;
        }
        try
        {
            return new CompiledRule(rule.RuleName, workflow, check, outcome, confidence, referenced, evidence, CompileExpression(rule.Expression));
        }
        catch (Exception compile) when (compile is not OutOfMemoryException)
        {
            errors.Add($"{where}: the expression does not compile: {compile.Message}");
            return null;
        }
    }

    static string? Property(Dictionary<string, object> properties, string name) => properties.TryGetValue(name, out var value)
        ? value is JsonElement { ValueKind: JsonValueKind.String } s ? s.GetString() : value?.ToString()
        : null;

    // Everything an expression may contain once its string literals are emptied: no member access but the detector queries,
    // so no expression can name a type, call a method or construct an object (defence beside the patched Dynamic LINQ).
    [GeneratedRegex("""^(?:\s+|doc\.(?:Has|Count|Near|CountWithout)\s*\(|""|\d+|true\b|false\b|&&|\|\||[!()<>=,])*$""")]
    private static partial Regex ExpressionGrammar();

    // Expressions only take detector names as string arguments: every string literal must name a detector.
    [GeneratedRegex("\"(?<name>[^\"]*)\"")]
    private static partial Regex DetectorReference();
}
