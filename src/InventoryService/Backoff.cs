namespace BookingSystem.InventoryService;

/// <summary>
/// The one backoff formula of the service's own loops (restarts, holding a message while the database is away);
/// Polly's retries (<see cref="ExponentialRetry"/>) use the same shape.
/// </summary>
public static class Backoff
{
    /// <summary><paramref name="first"/> * 2^<paramref name="attempt"/>, capped at <paramref name="max"/>, with ±20 % jitter.</summary>
    public static TimeSpan Exponential(int attempt, TimeSpan first, TimeSpan max) =>
        TimeSpan.FromMilliseconds(Math.Min(max.TotalMilliseconds, first.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt, 0, 20)))
            * (0.8 + (Random.Shared.NextDouble() * 0.4)));
}
