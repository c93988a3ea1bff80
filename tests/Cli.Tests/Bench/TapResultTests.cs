using System.Text.Json;
using BookingSystem.Cli.Bench;

namespace BookingSystem.Cli.Tests.Bench;

public sealed class TapResultTests
{
    /// <summary>
    /// What booking-tap writes (src/BenchTap, TapReport.WriteTo): the contract between the two processes.
    /// </summary>
    private const string Written = """
        {
          "bookings": 3000,
          "completed": 2999,
          "outcomesWithoutBooking": 1,
          "outcomeBeforeBooking": 2,
          "bookingMessages": 3001,
          "outcomeMessages": 3004,
          "withoutBookingId": 3,
          "firstBookingMs": 1250.5,
          "lastBookingMs": 4249.25,
          "firstOutcomeMs": 1258.75,
          "lastOutcomeMs": 4262.5,
          "seconds": 3.012,
          "bookingsPerSecond": 995.68,
          "latencyMs": { "count": 2999, "p50": 6.5, "p95": 11.25, "p99": 19.5, "max": 40.125, "mean": 7.25 },
          "brokerRouted": { "bookings": 3001, "outcomes": 3004 },
          "cpuMs": 420
        }
        """;

    [Fact]
    public void The_taps_file_reads_as_its_figures()
    {
        var tap = TapResult.Parse(Written);

        Assert.Equal((3_000, 2_999), (tap.Bookings, tap.Completed));
        Assert.Equal((1, 2), (tap.OutcomesWithoutBooking, tap.OutcomeBeforeBooking));
        Assert.Equal((3_001L, 3_004L, 3), (tap.BookingMessages, tap.OutcomeMessages, tap.WithoutBookingId));
        Assert.Equal((1_250.5, 4_249.25), (tap.FirstBookingMs, tap.LastBookingMs));
        Assert.Equal((1_258.75, 4_262.5), (tap.FirstOutcomeMs, tap.LastOutcomeMs));
        Assert.Equal((3.012, 995.68, 420d), (tap.Seconds, tap.BookingsPerSecond, tap.CpuMs));
        Assert.Equal(new TapLatency(2_999, 6.5, 11.25, 19.5, 40.125, 7.25), tap.Latency);
        Assert.Equal(new TapBrokerCounts(3_001, 3_004), tap.BrokerRouted);
    }

    [Fact]
    public void Without_the_management_api_there_are_no_broker_counts_and_without_outcomes_no_times()
    {
        var json = Written.Replace("{ \"bookings\": 3001, \"outcomes\": 3004 }", "null", StringComparison.Ordinal)
            .Replace("\"firstOutcomeMs\": 1258.75", "\"firstOutcomeMs\": null", StringComparison.Ordinal);

        var tap = TapResult.Parse(json);

        Assert.Null(tap.BrokerRouted);
        Assert.Null(tap.FirstOutcomeMs);
        Assert.Null(tap.RateAfterFirstOutcome);
    }

    [Fact]
    public void A_drains_rate_runs_from_the_first_outcome_to_the_last()
    {
        // 2,999 answered: 2,998 after the first, in 3.00375 s.
        Assert.Equal(2_998 / 3.00375, TapResult.Parse(Written).RateAfterFirstOutcome!.Value, 6);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("""{ "bookings": 1 }""")]
    [InlineData("not json")]
    public void Anything_else_is_refused(string json) =>
        Assert.ThrowsAny<JsonException>(() => TapResult.Parse(json));
}
