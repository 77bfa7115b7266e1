using System.Text.Json;
using ReviewService.Decisions;
using ReviewService.Judge;
using ReviewService.Policies;
using ReviewService.Rules;
using ReviewService.Storage;

namespace ReviewService.Tests.Judge;

/// <summary>Settings, documents and reads shared by the judge tests.</summary>
public static class JudgeTestData
{
    public const string PrimaryModel = "primary-model";
    public const string FallbackModel = "fallback-model";
    public const string NonCompeteClause = "During the term Beta shall not sell products that compete with the Products";

    /// <summary>A short distribution agreement whose exclusivity and non-compete clauses the rules leave undetermined.</summary>
    public static string Distribution(string competition = NonCompeteClause + ".") => $"""
        DISTRIBUTION AGREEMENT

        This Distribution Agreement is made between Acme Supplies Inc. and Beta Trading LLC.

        1. Appointment. Acme appoints Beta as its exclusive distributor in the Territory.

        2. Competition. {competition}

        3. Records. Acme may inspect the books and records of Beta once a year.

        4. Law. This Agreement shall be governed by the laws of the State of Delaware.
        """;

    /// <summary>The service pointed at the scripted server, with small timeouts and a circuit breaker that does not trip unless a test says so.</summary>
    public static Dictionary<string, string?> Settings(ScriptedLlmServer server, params (string Key, string? Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Llm:Provider"] = "OpenAI",
            ["Llm:Endpoint"] = server.OpenAIEndpoint,
            ["Llm:Model"] = PrimaryModel,
            ["Llm:ApiKey"] = "test-llm-key",
            ["Llm:TimeoutSeconds"] = "2",
            ["Llm:TotalTimeoutSeconds"] = "10",
            ["Llm:MaxRetries"] = "2",
            ["Llm:RetryBaseDelaySeconds"] = "0.05",
            ["Llm:CircuitBreaker:MinimumThroughput"] = "1000",
            ["Llm:Prices:0:Model"] = PrimaryModel,
            ["Llm:Prices:0:InputPer1KTokens"] = "0.5",
            ["Llm:Prices:0:OutputPer1KTokens"] = "1.5",
            // A fully automated review is sampled for QA by its random id (5 % by default), which would put all its checks in the
            // queue as qa-sample in one run of twenty; these tests read the queue for what the judge left. QA sampling has its own tests.
            ["Queue:QaSampleRate"] = "0",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }
        return settings;
    }

    static readonly Lazy<Policy> ContractReview = new(() => PolicyLoader.LoadAll(Fixtures.RulesDirectory).Find("contract-review")!);

    /// <summary>The checks the judge should be asked about: those the rules leave undetermined and retrieval finds passages for.</summary>
    public static async Task<IReadOnlyList<CheckFinding>> JudgeableAsync(string text) =>
        [.. Retrieval.PassageRetrieverTests.Retriever(new LlmOptions { Model = PrimaryModel })
            .Retrieve(ContractReview.Value, text, ReviewService.Decisions.Verification.Hold(ContractReview.Value, await RulesEvaluator.EvaluateAsync(ContractReview.Value, text))).Findings
            .Where(f => !f.IsDecided && f.Candidates.Count > 0)];

    public static async Task<JsonElement> SubmitAndWaitAsync(this HttpClient client, string text)
    {
        var response = await client.SubmitAsync(ReviewRequests.Text(text), wait: "0");
        var id = (await response.JsonAsync()).GetProperty("id").GetString()!;
        return await client.WaitForReviewAsync(id, seconds: 60);
    }

    public static async Task<IReadOnlyDictionary<string, string>> QueueReasonsAsync(this ReviewApp app, JsonElement review)
    {
        var store = (IQueueStore)app.Services.GetService(typeof(IQueueStore))!;
        var item = await store.FindByReviewAsync(Guid.Parse(review.GetProperty("id").GetString()!), default);
        return item is null ? new Dictionary<string, string>() : item.Checks.ToDictionary(c => c.Check, c => c.Reason);
    }

    public static string Outcome(this JsonElement review, string check) => review.Finding(check).GetProperty("outcome").GetString()!;

    public static bool IsDegraded(this JsonElement review) => review.GetProperty("degraded").GetBoolean();
}
