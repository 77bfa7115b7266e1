using ReviewService.Extraction;

namespace ReviewService.Tests.Extraction;

public sealed class OcrGateTests
{
    [Fact]
    public async Task SmallScanWaitsForALargeTurnBeforeItsOcr()
    {
        using var scans = new BlockingScans();
        var clock = new TestClock();
        var queueing = TimeSpan.FromSeconds(30);
        using var gate = new ExtractionGate(new DocumentExtractor([scans], new ExtractionOptions()), Microsoft.Extensions.Options.Options.Create(
            new ExtractionGateOptions { LargeDocumentBytes = 1_000_000, MaxConcurrentLargeExtractions = 1, LargeQueueSeconds = queueing.TotalSeconds }), clock);
        var smallScan = new byte[100];

        var first = gate.ExtractAsync("text/plain", "a.txt", smallScan, CancellationToken.None);
        await scans.Recognising.WaitAsync(TimeSpan.FromSeconds(10));
        var waitingForATurn = clock.NextWaitAsync(queueing);
        var second = gate.ExtractAsync("text/plain", "b.txt", smallScan, CancellationToken.None);
        await waitingForATurn;
        Assert.False(second.IsCompleted);
        clock.Advance(queueing);

        Assert.Equal(FailureKind.Busy, (await second).Failure?.Kind);
        scans.Release.Set();
        Assert.NotNull((await first).Document?.Ocr);
    }

    /// <summary>Every document is a scan whose OCR runs only when told to, so a test holds the gate's one turn with a small file.</summary>
    sealed class BlockingScans : IFormatExtractor, IDisposable
    {
        public SemaphoreSlim Recognising { get; } = new(0);
        public ManualResetEventSlim Release { get; } = new();
        public string ContentType => "text/plain";
        public IReadOnlyList<string> Extensions => [".txt"];

        public ExtractionResult Extract(ReadOnlyMemory<byte> content) => new PendingOcr(1, ct =>
        {
            Recognising.Release();
            Release.Wait(TimeSpan.FromSeconds(10), ct);
            return new ExtractedDocument("text", "text", [0], new OcrInfo("test", [new OcrPage(1, 0.9, 1, false)]));
        });

        public void Dispose()
        {
            Recognising.Dispose();
            Release.Dispose();
        }
    }
}
