using ReviewService.Policies;

namespace ReviewService.Tests.Policies;

public sealed class PolicyLoaderTests : IDisposable
{
    readonly string _temp = Path.Combine(Path.GetTempPath(), "reviewservice-policies", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    [Fact]
    public void EveryShippedPolicyLoads()
    {
        var catalog = PolicyLoader.LoadAll(Fixtures.RulesDirectory);

        Assert.NotEmpty(catalog.All);
        var contracts = catalog.Find("contract-review")!;
        Assert.True(contracts.Checks.Count >= 8, $"contract-review has {contracts.Checks.Count} checks");
        Assert.All(contracts.Checks.Values, c => Assert.Contains(contracts.Rules.Values, r => r.Check == c.Name));
    }

    [Fact]
    public void VersionIsAContentHashThatChangesWithAnyEdit()
    {
        var copy = CopyOfContractReview();
        var before = PolicyLoader.Load(copy).Version;
        Assert.Equal(before, PolicyLoader.Load(copy).Version);

        File.AppendAllText(Path.Combine(copy, "detectors.json"), "\n");

        Assert.NotEqual(before, PolicyLoader.Load(copy).Version);
    }

    [Fact]
    public void UnknownDetectorIsRefusedNamingTheFileAndTheRule()
    {
        var copy = CopyOfContractReview();
        AddRule(copy, """{ "RuleName": "X-1 typo", "Expression": "doc.Has(\"no_such_detector\")", "Properties": { "check": "governing-law", "outcome": "present" } }""");

        var error = Assert.Throws<PolicyLoadException>(() => PolicyLoader.Load(copy));

        Assert.Contains(error.Errors, e => e.Contains("extra.rules.json", StringComparison.Ordinal) && e.Contains("X-1 typo", StringComparison.Ordinal) && e.Contains("no_such_detector", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryShippedDetectorIsDescribedAndADetectorWithoutADescriptionIsRefusedByName()
    {
        Assert.All(PolicyLoader.LoadAll(Fixtures.RulesDirectory).All.SelectMany(p => p.Detectors.Values),
            d => Assert.False(string.IsNullOrWhiteSpace(d.Definition.Description), d.Name));
        var copy = CopyOfContractReview();
        Fixtures.EditJson(copy, PolicyLoader.DetectorsFile, json =>
            json["detectors"]!.AsArray().First(d => (string?)d!["name"] == "laws_of")!.AsObject().Remove("description"));

        var error = Assert.Throws<PolicyLoadException>(() => PolicyLoader.Load(copy));

        Assert.Contains(error.Errors, e => e.Contains("detectors.json", StringComparison.Ordinal) && e.Contains("'laws_of'", StringComparison.Ordinal) && e.Contains("'description' is required", StringComparison.Ordinal));
    }

    [Fact]
    public void ExpressionThatDoesNotCompileIsRefusedNamingTheRule()
    {
        var copy = CopyOfContractReview();
        AddRule(copy, """{ "RuleName": "X-2 broken", "Expression": "doc.Has(\"laws_of\") && (", "Properties": { "check": "governing-law", "outcome": "present" } }""");

        var error = Assert.Throws<PolicyLoadException>(() => PolicyLoader.Load(copy));

        Assert.Contains(error.Errors, e => e.Contains("X-2 broken", StringComparison.Ordinal) && e.Contains("does not compile", StringComparison.Ordinal));
    }

    public static TheoryData<string> ExpressionsReachingBeyondTheDetectors =>
    [
        "System.IO.File.Exists(\\\"/etc/passwd\\\")",
        "doc.GetType().Assembly.GetName().Name != \\\"\\\"",
        "\\\"\\\".GetType().Assembly.GetType(\\\"System.Diagnostics.Process\\\") != null",
        "new System.Net.Http.HttpClient() != null",
        "doc.Matches(\\\"laws_of\\\").Spans.Count > 0",
        "Environment.GetEnvironmentVariable(\\\"PATH\\\") != null",
    ];

    [Theory]
    [MemberData(nameof(ExpressionsReachingBeyondTheDetectors))]
    public void AnExpressionThatReachesBeyondTheDetectorQueriesIsRefused(string expression)
    {
        var copy = CopyOfContractReview();
        AddRule(copy, $$"""{ "RuleName": "X-9 reach", "Expression": "{{expression}}", "Properties": { "check": "governing-law", "outcome": "present" } }""");

        var error = Assert.Throws<PolicyLoadException>(() => PolicyLoader.Load(copy));

        Assert.Contains(error.Errors, e => e.Contains("X-9 reach", StringComparison.Ordinal) && e.Contains("may use only", StringComparison.Ordinal));
    }

    [Fact]
    public void TheDynamicLinqUnderRulesEngineIsPatchedAgainstCve2023_32571AndRefusesTypesOfItsOwn()
    {
        // CVE-2023-32571 (RCE through Dynamic LINQ) is fixed from 1.3.0; Directory.Packages.props pins the version.
        Assert.True(typeof(System.Linq.Dynamic.Core.DynamicExpressionParser).Assembly.GetName().Version >= new Version(1, 3, 0));
        // The loader's own compilation, past the grammar check (which would refuse this expression first).
        var refused = Record.Exception(() => PolicyLoader.CompileExpression("System.IO.File.Exists(\"/etc/passwd\")"));

        Assert.NotNull(refused);
        Assert.Contains("File", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JudgeConfidenceThresholdOutsideZeroToOneIsRefused()
    {
        var copy = CopyOfContractReview();
        var file = Path.Combine(copy, PolicyLoader.PolicyFile);
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"judgeConfidenceThreshold\": 0.8", "\"judgeConfidenceThreshold\": 1.5", StringComparison.Ordinal));

        var error = Assert.Throws<PolicyLoadException>(() => PolicyLoader.Load(copy));

        Assert.Contains(error.Errors, e => e.Contains("judgeConfidenceThreshold", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"valueFallback\": \"governing_law_named_otherwise\"", "\"valueFallback\": \"governing_law_heading\"", "value detector 'governing_law_heading' must exist and have a (?<value>...) group")]
    [InlineData("\"valueDetector\": \"governing_law_jurisdiction\",", "", "valueFallback needs a valueDetector")]
    [InlineData("\"valueClause\": \"governing_law_of_this_agreement\"", "\"valueClause\": \"no_such_detector\"", "valueClause must name a detector")]
    public void AValueFallbackWithoutAValueGroupOrWithoutAValueDetectorIsRefused(string from, string to, string message)
    {
        var copy = CopyOfContractReview();
        var file = Path.Combine(copy, PolicyLoader.PolicyFile);
        File.WriteAllText(file, File.ReadAllText(file).Replace(from, to, StringComparison.Ordinal));

        var error = Assert.Throws<PolicyLoadException>(() => PolicyLoader.Load(copy));

        Assert.Contains(error.Errors, e => e.Contains("governing-law", StringComparison.Ordinal) && e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void DuplicateRuleNamesAndUnknownChecksAreRefused()
    {
        var copy = CopyOfContractReview();
        var existing = PolicyLoader.Load(copy).Rules.Keys.First();
        AddRule(copy, $$"""{ "RuleName": "{{existing}}", "Expression": "true", "Properties": { "check": "governing-law", "outcome": "present" } }""",
            """{ "RuleName": "X-3", "Expression": "true", "Properties": { "check": "no-such-check", "outcome": "present" } }""");

        var error = Assert.Throws<PolicyLoadException>(() => PolicyLoader.Load(copy));

        Assert.Contains(error.Errors, e => e.Contains("duplicate rule name", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("no-such-check", StringComparison.Ordinal));
    }

    [Fact]
    public void DetectorThatDoesNotCompileIsRefused()
    {
        var copy = CopyOfContractReview();
        AddDetector(copy, """{ "name": "bad", "description": "d", "forms": [{ "anchors": ["x"], "pattern": ["(unclosed"] }] }""");

        var error = Assert.Throws<PolicyLoadException>(() => PolicyLoader.Load(copy));

        Assert.Contains(error.Errors, e => e.Contains("detectors.json", StringComparison.Ordinal) && e.Contains("'bad'", StringComparison.Ordinal));
    }

    [Fact]
    public void DetectorThatCouldBacktrackExponentiallyIsRefusedSayingHowToFixIt()
    {
        var copy = CopyOfContractReview();
        AddDetector(copy, """{ "name": "nested", "description": "d", "forms": [{ "anchors": ["x"], "pattern": ["\\b(?:\\w+\\s*)+consent"] }] }""");

        var error = Assert.Throws<PolicyLoadException>(() => PolicyLoader.Load(copy));

        Assert.Contains(error.Errors, e => e.Contains("'nested'", StringComparison.Ordinal) && e.Contains("exponentially", StringComparison.Ordinal) && e.Contains("at most 5 times", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "overall": 1.5 }""", "targetAccuracy overall: 1.5 must be above 0 and at most 1")]
    [InlineData("""{ "overall": 0.95, "bySeverity": { "urgent": 0.99 } }""", "targetAccuracy.bySeverity: 'urgent' is not a severity")]
    [InlineData("""{ "overall": 0.95, "bySeverity": { "high": 0 } }""", "targetAccuracy high: 0 must be above 0")]
    public void ATargetAccuracyOutsideZeroToOneOrForAnUnknownSeverityIsRefusedNamingTheFile(string target, string expected)
    {
        var copy = CopyOfContractReview();
        Fixtures.EditJson(copy, PolicyLoader.PolicyFile, json => json["targetAccuracy"] = System.Text.Json.Nodes.JsonNode.Parse(target));

        var error = Assert.Throws<PolicyLoadException>(() => PolicyLoader.Load(copy));

        Assert.Contains(error.Errors, e => e.StartsWith("contract-review/policy.json: ", StringComparison.Ordinal) && e.Contains(expected, StringComparison.Ordinal));
    }

    string CopyOfContractReview() => Fixtures.CopyOfPolicy(_temp);

    static void AddDetector(string policyDirectory, string detector)
    {
        var path = Path.Combine(policyDirectory, PolicyLoader.DetectorsFile);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"detectors\": [", $"\"detectors\": [ {detector},", StringComparison.Ordinal));
    }

    static void AddRule(string policyDirectory, params string[] rules) =>
        File.WriteAllText(Path.Combine(policyDirectory, "extra.rules.json"), $$"""{ "WorkflowName": "extra", "Rules": [ {{string.Join(",", rules)}} ] }""");
}
