using Microsoft.Extensions.Options;
using ReviewService.Storage;

namespace ReviewService.Judge;

/// <summary>
/// Tokens spent today (UTC) against <see cref="LlmOptions.DailyTokenBudget"/>. Seeded from the stored reviews once a day,
/// so a restart does not reset it; each instance then counts its own calls.
/// </summary>
public sealed class DailyTokenBudget(IReviewStore store, TimeProvider clock, IOptions<LlmOptions> options)
{
    readonly long _limit = options.Value.DailyTokenBudget;
    readonly Lock _gate = new();
    DateOnly? _day;
    long _used;

    public long Limit => _limit;

    /// <summary>Tokens counted today by this instance, including what it read from the store at the start of the day.</summary>
    public long Used => Interlocked.Read(ref _used);

    public async Task<bool> IsSpentAsync(CancellationToken ct)
    {
        if (_limit == 0)
        {
            return false;
        }
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (_day != today)
        {
            var used = await store.GetLlmTokensSinceAsync(new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), ct);
            lock (_gate)
            {
                if (_day != today)
                {
                    (_day, _used) = (today, used);
                }
            }
        }
        return Interlocked.Read(ref _used) >= _limit;
    }

    public void Spend(long tokens) => Interlocked.Add(ref _used, tokens);
}
