using System.Globalization;
using ReviewService.Decisions;
using ReviewService.ReviewQueue;
using static ReviewService.Tests.Judge.JudgeTestData;

namespace ReviewService.Tests.Judge;

/// <summary>The judge against a scripted OpenAI-compatible server: one call per review, structured output, grounding, failures.</summary>
public sealed class LlmJudgeTests : IAsyncLifetime
{
    ScriptedLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    ReviewApp App(params (string, string?)[] overrides) => new(settings: Settings(_server, overrides));

    [Fact]
    public async Task UndeterminedChecksAreJudgedInOneCallWithGroundedEvidenceStampedWithModelAndPromptVersion()
    {
        using var app = App();
        var text = Distribution();
        var judgeable = await JudgeableAsync(text);
        Assert.NotEmpty(judgeable);

        var review = await app.Analyst().SubmitAndWaitAsync(text);

        var call = Assert.Single(_server.Calls);
        Assert.Equal("/v1/chat/completions", call.Path);
        Assert.Equal(PrimaryModel, call.Model);
        Assert.Equal("Bearer test-llm-key", call.Headers["authorization"]);
        Assert.Equal("json_schema", call.ResponseFormat.GetProperty("type").GetString());
        Assert.True(call.ResponseFormat.GetProperty("json_schema").GetProperty("strict").GetBoolean());
        Assert.Equal(judgeable.Select(f => f.Check).Order(), call.Checks.Order());
        // Only the candidate passages are sent, not the document.
        Assert.Equal(judgeable.SelectMany(f => f.Candidates).Select(c => c.Text.Trim()).Distinct().Order(),
            call.Checks.SelectMany(call.Passages).Distinct().Order());
        Assert.Contains(NonCompeteClause, call.User, StringComparison.Ordinal);

        var documentText = (await (await app.Analyst().GetAsync($"/v1/reviews/{review.GetProperty("id").GetString()}/document")).JsonAsync()).GetProperty("text").GetString()!;
        var reasons = await app.QueueReasonsAsync(review);
        // The scripted model answers present everywhere: a held rules decision of absent is a disagreement a reviewer settles.
        var disagreeing = judgeable.Where(f => f.Proposal?.Outcome == Outcome.Absent).Select(f => f.Check).ToList();
        foreach (var check in call.Checks)
        {
            var finding = review.Finding(check);
            if (disagreeing.Contains(check))
            {
                Assert.Equal("undetermined", finding.GetProperty("outcome").GetString());
                Assert.Equal(QueueReasons.Disagreement, reasons[check]);
                continue;
            }
            Assert.Equal("present", finding.GetProperty("outcome").GetString());
            Assert.Equal("llm", finding.GetProperty("decidedBy").GetString());
            Assert.Equal(PrimaryModel, finding.GetProperty("model").GetString());
            Assert.Matches("^[0-9a-f]{12}$", finding.GetProperty("promptVersion").GetString());
            var evidence = Assert.Single(finding.GetProperty("evidence").EnumerateArray());
            Assert.Equal(evidence.GetProperty("text").GetString(), documentText[evidence.GetProperty("start").GetInt32()..evidence.GetProperty("end").GetInt32()]);
        }
        Assert.False(review.IsDegraded());
        var usage = review.GetProperty("llmUsage");
        Assert.Equal(PrimaryModel, usage.GetProperty("model").GetString());
        Assert.Equal(ScriptedReply.PromptTokens, usage.GetProperty("promptTokens").GetInt32());
        Assert.Equal(ScriptedReply.CompletionTokens, usage.GetProperty("completionTokens").GetInt32());
        Assert.Equal((ScriptedReply.PromptTokens * 0.5m + ScriptedReply.CompletionTokens * 1.5m) / 1000m, usage.GetProperty("estimatedCost").GetDecimal());
        // Checks without candidate passages are not sent: they stay in the queue as undetermined, or low-confidence when held.
        Assert.All(reasons.Where(r => !call.Checks.Contains(r.Key)), r =>
            Assert.Equal(review.Finding(r.Key).TryGetProperty("proposal", out _) ? QueueReasons.LowConfidence : QueueReasons.Undetermined, r.Value));
        Assert.Equal(disagreeing.Order(), reasons.Keys.Where(call.Checks.Contains).Order());
    }

    [Theory]
    [InlineData("seconds")]
    [InlineData("date")]
    public async Task RateLimitedCallIsRetriedAfterTheServersRetryAfter(string form)
    {
        var clock = new TestClock();
        using var app = new ReviewApp(settings: Settings(_server)) { Clock = clock };
        var retryAfter = TimeSpan.FromSeconds(5);
        var header = form == "seconds"
            ? retryAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture) : (clock.GetUtcNow() + retryAfter).ToString("R", CultureInfo.InvariantCulture);
        _server.Enqueue(ScriptedReply.Error(429) with { Headers = new Dictionary<string, string> { ["Retry-After"] = header } });
        var retrying = clock.NextWaitAsync(retryAfter);

        var judging = app.Analyst().SubmitAndWaitAsync(Distribution());
        await retrying;
        Assert.Single(_server.Calls);
        clock.Advance(retryAfter);
        var review = await judging;

        Assert.Equal(2, _server.Calls.Count);
        Assert.Equal("llm", review.Finding("non-compete").GetProperty("decidedBy").GetString());
        Assert.False(review.IsDegraded());
    }

    [Fact]
    public async Task ServerErrorsAreRetriedUntilTheModelAnswers()
    {
        using var app = App();
        _server.Enqueue(ScriptedReply.Error(500), ScriptedReply.Error(503));

        var review = await app.Analyst().SubmitAndWaitAsync(Distribution());

        Assert.Equal(3, _server.Calls.Count);
        Assert.Equal("llm", review.Finding("non-compete").GetProperty("decidedBy").GetString());
        Assert.False(review.IsDegraded());
    }

    [Fact]
    public async Task ModelThatHangsPastTheTimeoutLeavesTheReviewDegradedInTheQueue()
    {
        var clock = new TestClock();
        var attemptTimeout = TimeSpan.FromSeconds(30);
        using var app = new ReviewApp(settings: Settings(_server,
            ("Llm:TimeoutSeconds", "30"), ("Llm:TotalTimeoutSeconds", "90"), ("Llm:MaxRetries", "1"), ("Llm:RetryBaseDelaySeconds", "0"))) { Clock = clock };
        _server.Behaviour = _ => ScriptedReply.Hang(TimeSpan.FromSeconds(30));

        // Each attempt hangs until its timeout, started before the request, has passed on the clock; then the retry hangs too.
        var judging = app.Analyst().SubmitAndWaitAsync(Distribution());
        await _server.NextCallAsync();
        clock.Advance(attemptTimeout);
        await _server.NextCallAsync();
        clock.Advance(attemptTimeout);
        var review = await judging;

        Assert.Equal(2, _server.Calls.Count);
        Assert.Equal("needs_review", review.GetProperty("status").GetString());
        Assert.True(review.IsDegraded());
        Assert.StartsWith("llm-unavailable", review.GetProperty("degradedReason").GetString());
        Assert.Contains("timeout", review.GetProperty("degradedReason").GetString());
        Assert.Equal("undetermined", review.Outcome("non-compete"));
        Assert.Equal(QueueReasons.Degraded, (await app.QueueReasonsAsync(review))["non-compete"]);
    }

    [Theory]
    [InlineData("this is not JSON {")]
    [InlineData("""{"verdicts":[{"check":"non-compete","outcome":"maybe","confidence":0.9,"evidence":"x","rationale":"y"}]}""")]
    [InlineData("""{"verdicts":[{"check":"non-compete","outcome":"present","confidence":7,"evidence":"x","rationale":"y"}]}""")]
    [InlineData("""{"verdicts":[{"check":"non-compete","outcome":"present"}]}""")]
    [InlineData("""{"answers":[]}""")]
    public async Task ReplyThatBreaksTheContractSendsTheChecksToTheQueueAsDegraded(string content)
    {
        using var app = App();
        _server.Behaviour = call => ScriptedReply.Content(call, content);

        var review = await app.Analyst().SubmitAndWaitAsync(Distribution());

        Assert.Single(_server.Calls);
        Assert.True(review.IsDegraded());
        Assert.StartsWith("invalid-output", review.GetProperty("degradedReason").GetString());
        Assert.Equal("undetermined", review.Outcome("non-compete"));
        Assert.Equal(QueueReasons.Degraded, (await app.QueueReasonsAsync(review))["non-compete"]);
        // The tokens were spent all the same.
        Assert.Equal(ScriptedReply.PromptTokens, review.GetProperty("llmUsage").GetProperty("promptTokens").GetInt32());
    }

    [Fact]
    public async Task AnswerQuotingTextThatIsNotInTheDocumentIsOnlyASuggestion()
    {
        using var app = App();
        _server.Behaviour = call => ScriptedReply.Answer(call, _ => Verdict.Absent("The parties may freely compete with each other anywhere."));

        var review = await app.Analyst().SubmitAndWaitAsync(Distribution());

        var finding = review.Finding("non-compete");
        Assert.Equal("undetermined", finding.GetProperty("outcome").GetString());
        var suggestion = finding.GetProperty("suggestion");
        Assert.Equal("absent", suggestion.GetProperty("outcome").GetString());
        Assert.Equal("ungrounded", suggestion.GetProperty("rejectedBecause").GetString());
        Assert.Equal(PrimaryModel, suggestion.GetProperty("model").GetString());
        Assert.Equal(QueueReasons.Ungrounded, (await app.QueueReasonsAsync(review))["non-compete"]);
        Assert.False(review.IsDegraded());
    }

    [Fact]
    public async Task GroundedAnswerUnderThePolicysConfidenceThresholdIsOnlyASuggestion()
    {
        using var app = App();
        _server.Behaviour = call => ScriptedReply.Answer(call, check => Verdict.Present(call.FirstPassage(check), confidence: 0.5));

        var review = await app.Analyst().SubmitAndWaitAsync(Distribution());

        var finding = review.Finding("non-compete");
        Assert.Equal("undetermined", finding.GetProperty("outcome").GetString());
        Assert.Equal("low-confidence", finding.GetProperty("suggestion").GetProperty("rejectedBecause").GetString());
        Assert.Equal(0.5, finding.GetProperty("suggestion").GetProperty("confidence").GetDouble());
        Assert.Equal(QueueReasons.LowConfidence, (await app.QueueReasonsAsync(review))["non-compete"]);
    }

    [Fact]
    public async Task ModelAnsweringUndeterminedLeavesTheCheckToAReviewerWithItsRationale()
    {
        using var app = App();
        _server.Behaviour = call => ScriptedReply.Answer(call, _ => new Verdict("undetermined", 0.3, "", "The passage is ambiguous."));

        var review = await app.Analyst().SubmitAndWaitAsync(Distribution());

        Assert.Equal("The passage is ambiguous.", review.Finding("non-compete").GetProperty("suggestion").GetProperty("rationale").GetString());
        Assert.Equal(QueueReasons.Undetermined, (await app.QueueReasonsAsync(review))["non-compete"]);
    }

    [Fact]
    public async Task AzureOpenAIDeploymentIsCalledOnTheAzurePathWithItsKey()
    {
        using var app = new ReviewApp(settings: Settings(_server,
            ("Llm:Provider", "AzureOpenAI"), ("Llm:Endpoint", _server.BaseAddress.ToString()), ("Llm:Deployment", "judge-deployment"),
            ("Llm:Model", "gpt-4o-mini"), ("Llm:ApiKey", "azure-key")));

        var review = await app.Analyst().SubmitAndWaitAsync(Distribution());

        var call = Assert.Single(_server.Calls);
        Assert.Equal("/openai/deployments/judge-deployment/chat/completions", call.Path);
        Assert.Equal("azure-key", call.Headers["api-key"]);
        Assert.Equal("json_schema", call.ResponseFormat.GetProperty("type").GetString());
        Assert.Equal("gpt-4o-mini", review.Finding("non-compete").GetProperty("model").GetString());
    }

    [Fact]
    public async Task OnceTheDailyTokenBudgetIsSpentReviewsGoToTheQueueWithoutCallingTheModel()
    {
        using var app = App(("Llm:DailyTokenBudget", "100"));
        var client = app.Analyst();

        var first = await client.SubmitAndWaitAsync(Distribution());
        var second = await client.SubmitAndWaitAsync(Distribution());

        Assert.Single(_server.Calls);
        Assert.False(first.IsDegraded());
        Assert.True(second.IsDegraded());
        Assert.StartsWith("token-budget", second.GetProperty("degradedReason").GetString());
        Assert.Equal(QueueReasons.Degraded, (await app.QueueReasonsAsync(second))["non-compete"]);
    }

    [Fact]
    public async Task PromptTokenBudgetLimitsWhatIsSent()
    {
        using var app = App(("Llm:MaxPromptTokens", "200"));

        var review = await app.Analyst().SubmitAndWaitAsync(Distribution());

        // The template alone is close to the budget: nothing fits, so nothing is sent and the checks wait for a reviewer.
        Assert.Empty(_server.Calls);
        Assert.Equal(QueueReasons.Undetermined, (await app.QueueReasonsAsync(review))["non-compete"]);
        Assert.False(review.IsDegraded());
    }
}
