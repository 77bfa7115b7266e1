using Microsoft.Extensions.Time.Testing;

namespace ReviewService.Tests;

/// <summary>
/// The service's clock in a test (<see cref="ReviewApp.Clock"/>): time moves only when the test says so, and the test can await the
/// moment the service starts waiting on it (a delay, a timeout, a poll), so it moves time at that moment instead of sleeping.
/// Starts at the current time rounded down to the second, so the times it gives survive every store's precision unchanged.
/// </summary>
public sealed class TestClock() : FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()))
{
    readonly List<(TimeSpan Due, TaskCompletionSource Started)> _expected = [];

    /// <summary>
    /// Completes when the service next starts waiting exactly <paramref name="due"/> on this clock (a delay or a timeout). Call it
    /// before the step that makes the service wait (e.g. <see cref="FakeTimeProvider.Advance"/>) and await it after, so the wait
    /// cannot be missed.
    /// </summary>
    public async Task NextWaitAsync(TimeSpan due)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_expected)
        {
            _expected.Add((due, started));
        }
        try
        {
            // A bound for a broken service, not a wait the test relies on.
            await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The service did not start waiting {due} on the clock within 60 s.");
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ObservedTimer(base.CreateTimer(callback, state, dueTime, period), this);
        Started(dueTime, period);
        return timer;
    }

    void Started(TimeSpan dueTime, TimeSpan period)
    {
        // A periodic timer is a schedule set up once, not a wait: only one-shot timers (delays, timeouts) count.
        if (period != Timeout.InfiniteTimeSpan)
        {
            return;
        }
        lock (_expected)
        {
            foreach (var expected in _expected.Where(e => e.Due == dueTime).ToList())
            {
                _expected.Remove(expected);
                expected.Started.TrySetResult();
            }
        }
    }

    /// <summary>A timer that reports being set again: pooled cancellation sources (Polly's timeouts) reuse theirs with <c>CancelAfter</c>.</summary>
    sealed class ObservedTimer(ITimer timer, TestClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = timer.Change(dueTime, period);
            clock.Started(dueTime, period);
            return changed;
        }

        public void Dispose() => timer.Dispose();

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }
}
