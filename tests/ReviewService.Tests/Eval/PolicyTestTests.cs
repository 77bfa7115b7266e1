using System.Text.Json.Nodes;
using ReviewService.Eval;
using ReviewService.Policies;

namespace ReviewService.Tests.Eval;

/// <summary><c>--test</c>: the shipped policy passes its own examples, and a broken example fails naming its detector or check.</summary>
public sealed class PolicyTestTests : IDisposable
{
    readonly string _rules = Path.Combine(Path.GetTempPath(), "reviewservice-policytest", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_rules))
        {
            Directory.Delete(_rules, recursive: true);
        }
    }

    [Fact]
    public async Task TheShippedPolicyPassesItsOwnExamplesAndEveryDetectorHasSome()
    {
        var policy = PolicyLoader.LoadAll(Fixtures.RulesDirectory).Find("contract-review")!;

        Assert.Empty(await PolicyTest.FailuresAsync(policy));
        Assert.All(policy.Detectors.Values, d => Assert.True(d.Definition.Examples is { Matches.Count: > 0, DoesNotMatch.Count: > 0 }, d.Name));
        Assert.Contains(policy.Definition.Checks, c => c.Examples.Any(e => e.Outcome == ReviewService.Decisions.Outcome.Present));
        Assert.Equal(0, await EvalProgram.RunAsync(EvalOptions.Parse(["--test", "--policy", "contract-review", "--rules", Fixtures.RulesDirectory])!));
    }

    [Fact]
    public async Task ABrokenDetectorExampleFailsTheCommandNamingTheDetectorAndTheText()
    {
        var folder = Fixtures.CopyOfPolicy(_rules);
        Fixtures.EditJson(folder, PolicyLoader.DetectorsFile, json =>
        {
            var laws = json["detectors"]!.AsArray().First(d => (string?)d!["name"] == "laws_of")!;
            laws["examples"]!["matches"]!.AsArray().Add("Nothing about any jurisdiction here.");
            laws["examples"]!["doesNotMatch"]!.AsArray().Add("governed by the laws of the State of Ohio");
        });

        var failures = await PolicyTest.FailuresAsync(PolicyLoader.Load(folder));
        var exit = await EvalProgram.RunAsync(EvalOptions.Parse(["--test", "--policy", "contract-review", "--rules", _rules])!);

        Assert.Equal(1, exit);
        Assert.Contains(failures, f => f.Contains("detector 'laws_of'", StringComparison.Ordinal) && f.Contains("finds nothing", StringComparison.Ordinal) && f.Contains("Nothing about any jurisdiction", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("detector 'laws_of'", StringComparison.Ordinal) && f.Contains("'doesNotMatch'", StringComparison.Ordinal) && f.Contains("laws of the State", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACheckExampleTheRulesDecideOtherwiseFailsNamingTheCheckAndTheRule()
    {
        var folder = Fixtures.CopyOfPolicy(_rules);
        Fixtures.EditJson(folder, PolicyLoader.PolicyFile, json =>
            json["checks"]!.AsArray().First(c => (string?)c!["name"] == "governing-law")!["examples"]!.AsArray()
                .Add(new JsonObject { ["text"] = "This Agreement is governed by the laws of the State of Delaware.", ["outcome"] = "absent" }));

        var failures = await PolicyTest.FailuresAsync(PolicyLoader.Load(folder));

        Assert.Contains(failures, f => f.Contains("check 'governing-law'", StringComparison.Ordinal) && f.Contains("the rules give present (rule '", StringComparison.Ordinal) && f.Contains("expects absent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADetectorWithoutExamplesFailsTheTest()
    {
        var folder = Fixtures.CopyOfPolicy(_rules);
        Fixtures.EditJson(folder, PolicyLoader.DetectorsFile, json => json["detectors"]!.AsArray().First(d => (string?)d!["name"] == "laws_of")!.AsObject().Remove("examples"));

        Assert.Contains(await PolicyTest.FailuresAsync(PolicyLoader.Load(folder)), f => f.StartsWith("detector 'laws_of': give at least one", StringComparison.Ordinal));
    }
}
