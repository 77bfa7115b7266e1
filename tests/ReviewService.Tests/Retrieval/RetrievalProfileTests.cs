using ReviewService.Policies;
using ReviewService.Retrieval;

namespace ReviewService.Tests.Retrieval;

public sealed class RetrievalProfileTests
{
    [Fact]
    public void TheShippedPolicyCarriesAProfileMinedFromTheDevelopmentHalf()
    {
        var policy = PolicyLoader.LoadAll(Fixtures.RulesDirectory).Find("contract-review")!;

        Assert.NotNull(policy.Profile);
        Assert.Equal("even", policy.Profile.Source.Split);
        Assert.True(policy.Profile.Checks["audit-rights"].Terms.ContainsKey("audit"));
        Assert.All(policy.Profile.Checks.Values, c => Assert.True(c.Contracts >= 1));
    }

    [Theory]
    [InlineData("""{ "source": { "dataset": "d", "split": "all", "contracts": 1, "labelsSha256": "x", "built": "2026-12-06" }, "checks": { "audit-rights": { "clauses": 1, "contracts": 1, "terms": { "Audit Rights": 1.0 } } } }""", "term 'Audit Rights'")]
    [InlineData("""{ "source": { "dataset": "d", "split": "all", "contracts": 1, "labelsSha256": "x", "built": "2026-12-06" }, "checks": { "audit-rights": { "clauses": 1, "contracts": 1, "terms": { "audit": -2 } } } }""", "term 'audit'")]
    [InlineData("""{ "source": { "dataset": "d", "split": "all", "contracts": 1, "labelsSha256": "x", "built": "2026-12-06" }, "checks": { "no-such-check": { "clauses": 1, "contracts": 1, "terms": { "audit": 1 } } } }""", "check 'no-such-check'")]
    [InlineData("""{ "checks": [ }""", "retrieval.json")]
    public void ABrokenProfileStopsTheLoadNamingTheFileAndTheCheck(string json, string expected)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}", "contract-review");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.Combine(Fixtures.RulesDirectory, "contract-review")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        File.WriteAllText(Path.Combine(folder, RetrievalProfile.FileName), json);

        var error = Assert.Throws<PolicyLoadException>(() => PolicyLoader.Load(folder));

        Assert.Contains(error.Errors, e => e.Contains("contract-review/retrieval.json", StringComparison.Ordinal) && e.Contains(expected, StringComparison.Ordinal));
    }
}
