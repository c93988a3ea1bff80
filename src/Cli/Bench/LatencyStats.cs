namespace BookingSystem.Cli.Bench;

/// <summary>Latency percentiles in milliseconds (nearest rank: p99 of 1,000 samples is the 990th smallest).</summary>
public sealed record LatencyStats(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    public static readonly LatencyStats Empty = new(0, 0, 0, 0, 0, 0);

    public static LatencyStats From(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.ToArray();
        if (sorted.Length == 0)
        {
            return Empty;
        }

        Array.Sort(sorted);
        return new LatencyStats(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99), sorted[^1], sorted.Average());
    }

    /// <param name="sorted">Ascending, not empty.</param>
    public static double Percentile(IReadOnlyList<double> sorted, double percent)
    {
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
