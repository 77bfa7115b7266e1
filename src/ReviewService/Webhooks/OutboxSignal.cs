namespace ReviewService.Webhooks;

/// <summary>
/// Wakes the dispatcher when a transaction wrote deliveries, so an event leaves at once rather than at the next poll. Only a
/// wake-up: the deliveries themselves are rows in the database, found by any instance's dispatcher.
/// </summary>
public sealed class OutboxSignal(TimeProvider clock) : IDisposable
{
    readonly SemaphoreSlim _written = new(0, 1);

    public void Written()
    {
        if (_written.CurrentCount == 0)
        {
            try
            {
                _written.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another writer woke it first: one wake-up is enough.
            }
        }
    }

    /// <summary>True when deliveries were written, false when <paramref name="timeout"/> passed first on the service's clock.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _written.WaitAsync(timeout, clock, ct);

    public void Dispose() => _written.Dispose();
}
