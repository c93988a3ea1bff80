using BookingSystem.Cli.Bench;

namespace BookingSystem.Cli.Tests.Bench;

public sealed class CrossCheckTests
{
    private static readonly OutcomeSummary Outcomes =
        new(new Dictionary<string, int> { [BenchLedger.Held] = 3_000 }, 3_000, 3_000, 0, 0, 0, 0, []);

    [Fact]
    public void Figures_within_a_fifth_of_the_taps_pass()
    {
        var check = CrossCheck.Evaluate(Bench(rate: 1_000, p99: 24), Tap(rate: 1_100, p99: 20), false);

        Assert.Equal(CrossCheck.Pass, check.Verdict);
        Assert.Null(check.Problem);
        Assert.False(check.Failed);
    }

    [Fact]
    public void A_p99_a_quarter_above_the_taps_fails_and_says_by_how_much()
    {
        var check = CrossCheck.Evaluate(Bench(rate: 1_000, p99: 25), Tap(rate: 1_000, p99: 20), false);

        Assert.Equal(CrossCheck.Fail, check.Verdict);
        Assert.Equal("p99 differs by +25.0%", check.Problem);
    }

    [Fact]
    public void The_broker_ceilings_latency_is_not_judged_but_its_rate_is()
    {
        var latencyOff = CrossCheck.Evaluate(Bench(rate: 1_000, p99: 60), Tap(rate: 1_000, p99: 20), false, judgeLatency: false);
        var rateOff = CrossCheck.Evaluate(Bench(rate: 700, p99: 60), Tap(rate: 1_000, p99: 20), false, judgeLatency: false);

        Assert.Equal(CrossCheck.Pass, latencyOff.Verdict);
        Assert.Contains("not judged: read this ceiling's latency from the tap", latencyOff.Describe(), StringComparison.Ordinal);
        Assert.Equal((CrossCheck.Fail, "bookings/s differ by -30.0%"), (rateOff.Verdict, rateOff.Problem));
    }

    [Fact]
    public void A_bench_slower_than_the_tap_saw_fails_on_the_rate()
    {
        var check = CrossCheck.Evaluate(Bench(rate: 700, p99: 20), Tap(rate: 1_000, p99: 20), false);

        Assert.Equal(CrossCheck.Fail, check.Verdict);
        Assert.Equal("bookings/s differ by -30.0%", check.Problem);
    }

    [Fact]
    public void Below_a_few_milliseconds_a_p99_within_the_floor_passes()
    {
        // 0.9 ms apart is 45 % of a 2 ms p99, but within the 1 ms the publish leg and the timers account for.
        var check = CrossCheck.Evaluate(Bench(rate: 100, p99: 2.9), Tap(rate: 100, p99: 2.0), false);

        Assert.Equal(CrossCheck.Pass, check.Verdict);
    }

    [Fact]
    public void A_tap_that_missed_bookings_fails_even_with_agreeing_figures()
    {
        var tap = Tap(rate: 1_000, p99: 20) with { Completed = 2_990 };

        var check = CrossCheck.Evaluate(Bench(rate: 1_000, p99: 20), tap, false);

        Assert.Equal(CrossCheck.Fail, check.Verdict);
        Assert.Equal("the tap saw 2990 of the 3000 answered bookings", check.Problem);
    }

    [Fact]
    public void Too_small_a_phase_is_shown_but_not_judged()
    {
        var small = Bench(rate: 1_000, p99: 50) with { Completed = 100, Bookings = 100, Seconds = 0.1 };

        var check = CrossCheck.Evaluate(small, Tap(rate: 500, p99: 20) with { Completed = 100 }, false);

        Assert.Equal(CrossCheck.NotJudged, check.Verdict);
        Assert.False(check.Failed);
        Assert.StartsWith("100 bookings in 0.10 s: too few to judge", check.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_drain_compares_the_rates_from_the_first_outcome_on()
    {
        // The bench counts the service's start-up (3,000 in 3 s); neither the tap nor this check can see it, so both
        // rates run from the first outcome: 2,999 more in 2 s.
        var drain = Bench(rate: 1_000, p99: 900) with { Seconds = 3, FirstOutcomeSeconds = 1 };
        var tap = Tap(rate: 600, p99: 900) with { FirstOutcomeMs = 4_000, LastOutcomeMs = 6_000 };

        var check = CrossCheck.Evaluate(drain, tap, fromFirstOutcome: true);

        Assert.Equal(CrossCheck.Pass, check.Verdict);
        Assert.Equal((1_499.5, 1_499.5), (check.BenchRate, check.TapRate));
    }

    [Fact]
    public void The_line_shows_both_figures_the_difference_and_the_brokers_count()
    {
        var line = CrossCheck.Evaluate(Bench(rate: 1_000, p99: 22), Tap(rate: 1_000, p99: 20), false).Describe();

        Assert.Equal(
            "PASS bookings/s 1000.0 vs tap 1000.0 (+0.0%), p99 22.0 vs tap 20.0 ms (+10.0%); tap p50 8.0 ms, " +
            "saw 3,000 of 3,000; since it started (warm-up included) it received 3,000 bookings and 3,000 outcomes, " +
            "RabbitMQ says it routed 3,000 and 3,000 to it",
            line);
    }

    [Fact]
    public void A_missing_tap_says_why_and_fails_nothing()
    {
        var check = CrossCheck.Missing(Bench(rate: 1_000, p99: 20), "--no-tap");

        Assert.Equal((CrossCheck.NotRun, false), (check.Verdict, check.Failed));
        Assert.Equal("not run: --no-tap", check.Describe());
    }

    private static PhaseResult Bench(double rate, double p99) => new(
        "service", 3_000, 3_000, 3_000, 3_000 / rate, rate, new LatencyStats(3_000, 8, p99 * 0.8, p99, p99 * 2, 9),
        Outcomes, false, 0, null, 200, 0.1, null);

    private static TapResult Tap(double rate, double p99) => new(
        3_000, 3_000, 0, 0, 3_000, 3_000, 0, 100, 3_100, 105, 3_100, 3_000 / rate, rate,
        new TapLatency(3_000, 8, p99 * 0.8, p99, p99 * 2, 9), new TapBrokerCounts(3_000, 3_000), 150);
}
