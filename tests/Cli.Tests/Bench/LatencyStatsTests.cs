using BookingSystem.Cli.Bench;

namespace BookingSystem.Cli.Tests.Bench;

public sealed class LatencyStatsTests
{
    [Fact]
    public void Percentiles_are_nearest_rank_over_the_sorted_samples()
    {
        var stats = LatencyStats.From(Enumerable.Range(1, 1_000).Select(n => (double)n).Reverse());

        Assert.Equal((1_000, 500d, 950d, 990d, 1_000d, 500.5), (stats.Count, stats.P50, stats.P95, stats.P99, stats.Max, stats.Mean));
    }

    [Fact]
    public void One_slow_sample_in_a_hundred_is_the_max_but_not_the_p99()
    {
        var stats = LatencyStats.From([.. Enumerable.Repeat(2.0, 99), 500.0]);

        Assert.Equal(2, stats.P99);
        Assert.Equal(500, stats.Max);
    }

    [Fact]
    public void A_single_sample_is_every_percentile_and_no_samples_give_zeros()
    {
        Assert.Equal(new LatencyStats(1, 7, 7, 7, 7, 7), LatencyStats.From([7.0]));
        Assert.Equal(LatencyStats.Empty, LatencyStats.From([]));
    }
}
