namespace ReviewService;

/// <summary>Waits measured on the service's clock (<see cref="TimeProvider"/>), so tests move time instead of sleeping.</summary>
public static class ClockWaits
{
    /// <summary>Enters the semaphore and returns true, or returns false once <paramref name="timeout"/> has passed on <paramref name="clock"/>.</summary>
    public static async Task<bool> WaitAsync(this SemaphoreSlim semaphore, TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        using var timedOut = new CancellationTokenSource(timeout, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timedOut.Token, ct);
        var entered = semaphore.WaitAsync(either.Token);
        // Timing out is an expected outcome, not an error: no exception for it.
        await entered.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (entered.IsCompletedSuccessfully)
        {
            return true;
        }
        ct.ThrowIfCancellationRequested();
        return false;
    }
}
