using System.Collections.Concurrent;

namespace ReviewService.Reviews;

/// <summary>In-process wake-ups: workers learn of new work at once, and a submission learns when its review is finished.</summary>
public sealed class ReviewSignals(TimeProvider clock) : IDisposable
{
    readonly SemaphoreSlim _work = new(0, int.MaxValue);
    readonly ConcurrentDictionary<Guid, TaskCompletionSource> _finished = new();

    public void WorkAvailable()
    {
        if (_work.CurrentCount < 1024)
        {
            _work.Release();
        }
    }

    /// <summary>True when work was signalled, false when <paramref name="timeout"/> passed first on the service's clock.</summary>
    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => _work.WaitAsync(timeout, clock, ct);

    /// <summary>Call before the review can be processed, so the completion cannot be missed.</summary>
    public Task Watch(Guid id) => _finished.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Forget(Guid id) => _finished.TryRemove(id, out _);

    public void Finished(Guid id)
    {
        if (_finished.TryRemove(id, out var done))
        {
            done.TrySetResult();
        }
    }

    public void Dispose() => _work.Dispose();
}
