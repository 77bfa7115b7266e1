using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Net;
using ReviewService.Decisions;
using ReviewService.Eval;
using ReviewService.Policies;
using ReviewService.Storage;

namespace ReviewService.Tests.ReviewQueue;

/// <summary>QA samples: automated reviews checked by reviewers, the agreement figures they produce, and the labelled export.</summary>
public sealed class QaSamplingTests : IDisposable
{
    static readonly Policy ContractReview = PolicyLoader.LoadAll(Fixtures.RulesDirectory).Find("contract-review")!;

    readonly ReviewApp _app = new(settings: Fixtures.WithoutTarget(new() { ["Queue:QaSampleRate"] = "1" }));
    readonly HttpClient _reviewer;

    public QaSamplingTests() => _reviewer = _app.WithKey(ReviewApp.ReviewerKey);

    public void Dispose() => _app.Dispose();

    /// <summary>A whole contract the rules decide completely (see Fixtures/README.md): its review never needs a reviewer.</summary>
    static string AutomatedContract => Fixtures.Text("joint-filing-agreement.txt");

    [Fact]
    public async Task AFullyAutomatedReviewIsSampledWithAllItsChecksAfterEveryBlockingItem()
    {
        var blocking = await _app.Analyst().SubmitAndWaitForAsync(Fixtures.Text("contract.txt"));
        var (review, item) = await _app.SubmitAndFindItemAsync(AutomatedContract);

        Assert.True(review.GetProperty("status").GetString() == "completed", "The fixture must be decided entirely by the rules.");
        Assert.Equal("qa-sample", item.GetProperty("kind").GetString());
        Assert.Equal("qa", item.GetProperty("priority").GetString());
        Assert.Equal(["qa-sample"], item.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(ContractReview.Definition.Checks.Select(c => c.Name).Order(), item.Checks().Order());
        var queue = (await (await _reviewer.GetAsync("/v1/queue")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([blocking.GetProperty("id").GetString(), review.GetProperty("id").GetString()], queue.Select(i => i.GetProperty("reviewId").GetString()));
        Assert.Single((await (await _reviewer.GetAsync("/v1/queue?reason=qa-sample")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task WithoutSamplingAnAutomatedReviewNeverReachesTheQueue()
    {
        using var app = new ReviewApp(settings: Fixtures.WithoutTarget(new() { ["Queue:QaSampleRate"] = "0" }));
        var review = await app.Analyst().SubmitAndWaitForAsync(AutomatedContract);

        var store = (IQueueStore)app.Services.GetService(typeof(IQueueStore))!;
        Assert.Equal("completed", review.GetProperty("status").GetString());
        Assert.Null(await store.FindByReviewAsync(Guid.Parse(review.GetProperty("id").GetString()!), default));
    }

    [Fact]
    public async Task VerdictsOnQaSamplesGiveAgreementPerStageAndCheckAndAsAMetric()
    {
        var recorded = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ReviewService" && instrument.Name == "reviews.queue.agreement")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            lock (recorded)
            {
                recorded.Add((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        });
        listener.Start();
        var (review, item) = await _app.SubmitAndFindItemAsync(AutomatedContract);
        var automated = review.GetProperty("findings").EnumerateArray().ToDictionary(f => f.GetProperty("check").GetString()!, f => f.GetProperty("outcome").GetString()!);
        const string disputed = "governing-law";

        await _reviewer.ClaimAsync(item);
        var resolved = await _reviewer.ResolveAsync(item, item.Verdicts(c => c == disputed ? Flip(automated[c]) : automated[c]));
        var stats = await (await _reviewer.GetAsync("/v1/stats/agreement?policy=contract-review")).JsonAsync();

        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var checks = automated.Count;
        Assert.Equal(checks, stats.GetProperty("automated").GetProperty("verdicts").GetInt32());
        Assert.Equal(checks - 1, stats.GetProperty("automated").GetProperty("agreed").GetInt32());
        var rules = stats.GetProperty("byStage").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == "rules");
        Assert.Equal(Math.Round((checks - 1) / (double)checks, 4), rules.GetProperty("rate").GetDouble());
        var law = stats.GetProperty("byCheck").EnumerateArray().Single(c => c.GetProperty("check").GetString() == disputed);
        Assert.Equal(0, law.GetProperty("agreed").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await _app.Analyst().GetAsync("/v1/stats/agreement")).StatusCode);

        listener.RecordObservableInstruments();
        lock (recorded)
        {
            var ours = recorded.Where(r => (string?)r.Tags["policy"] == "contract-review" && (string?)r.Tags["stage"] == "rules").ToList();
            Assert.Equal(checks, ours.Sum(r => r.Value));
            Assert.Equal(disputed, Assert.Single(ours, r => (string?)r.Tags["agreed"] == "false").Tags["check"]);
        }
        // The reviewer's word is final: the disputed finding changed, and the review stays completed.
        var after = await _reviewer.WaitForReviewAsync(review.GetProperty("id").GetString()!);
        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Equal(Flip(automated[disputed]), after.Finding(disputed).GetProperty("outcome").GetString());
        Assert.Equal("reviewer", after.Finding(disputed).GetProperty("decidedBy").GetString());
    }

    [Fact]
    public async Task VerdictsExportAsADataSetTheEvaluationCommandReads()
    {
        var (qaReview, qaItem) = await _app.SubmitAndFindItemAsync(AutomatedContract);
        var (review, item) = await _app.SubmitAndFindItemAsync(Fixtures.Text("contract.txt"));
        var automated = qaReview.GetProperty("findings").EnumerateArray().ToDictionary(f => f.GetProperty("check").GetString()!, f => f.GetProperty("outcome").GetString()!);
        await _reviewer.ClaimAsync(qaItem);
        await _reviewer.ResolveAsync(qaItem, qaItem.Verdicts(c => automated[c]));
        await _reviewer.ClaimAsync(item);
        await _reviewer.ResolveAsync(item, item.Verdicts(_ => "absent"));

        var export = await _reviewer.GetAsync("/v1/queue/export?policy=contract-review");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/zip", export.Content.Headers.ContentType?.MediaType);
        var folder = Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"export-{Guid.NewGuid():N}");
        await using (var zip = await export.Content.ReadAsStreamAsync())
        {
            await ZipFile.ExtractToDirectoryAsync(zip, folder);
        }

        var data = Dataset.Load(folder);
        Assert.Equal(new[] { qaReview, review }.Select(r => r.GetProperty("id").GetString()).Order(), data.Select(c => c.Id).Order());
        var text = await (await _reviewer.GetAsync($"/v1/reviews/{review.GetProperty("id").GetString()}/document")).JsonAsync();
        Assert.Equal(text.GetProperty("text").GetString(), data.Single(c => c.Id == review.GetProperty("id").GetString()).Text);
        var qaLabels = data.Single(c => c.Id == qaReview.GetProperty("id").GetString()).Labels;
        var law = qaReview.Finding("governing-law");
        Assert.Equal(law.GetProperty("outcome").GetString() == "present" ? law.GetProperty("value").GetString() : "", qaLabels["Governing Law"].Answer);

        var report = await Evaluation.RunAsync(ContractReview, data);
        Assert.Equal(automated.Count + item.Checks().Count, report.Overall.Pairs);
        Assert.Equal(HttpStatusCode.BadRequest, (await _reviewer.GetAsync("/v1/queue/export?policy=nope")).StatusCode);

        // The calibration command measures the rules on the repository's labelled contracts and the reviewers' verdicts together.
        var rules = Path.Combine(Path.GetTempPath(), "reviewservice-tests", $"rules-{Guid.NewGuid():N}");
        var policyFolder = Fixtures.CopyOfPolicy(rules);
        File.Delete(Path.Combine(policyFolder, Calibration.FileName));
        var options = EvalOptions.Parse(["--calibrate", "--policy", "contract-review", "--data", Fixtures.EvalData, "--reviewed", folder,
            "--out", policyFolder, "--rules", rules])!;
        Assert.Equal(0, await EvalProgram.RunAsync(options));
        var calibrated = PolicyLoader.Load(policyFolder);
        Assert.Equal([Path.GetFileName(Fixtures.EvalData), Path.GetFileName(folder)], calibrated.Calibration!.Sources.Select(s => s.Dataset));
        Assert.Equal(data.Count, calibrated.Calibration.Sources[1].Contracts);
        var measured = calibrated.Calibration.Rules.Values.Sum(r => r.Decided);
        Assert.True(measured >= report.Overall.DecidedByRules, $"{measured} decided pairs measured, {report.Overall.DecidedByRules} from the export alone");
        Assert.All(calibrated.InOrder.Where(r => r.Outcome != Outcome.Undetermined), r => Assert.Equal(Math.Round(calibrated.Calibration.ConfidenceOf(r.Name), 4), r.Confidence));
    }

    static string Flip(string outcome) => outcome == "present" ? "absent" : "present";
}
