using BookingSystem.Cli.Bench;
using BookingSystem.Cli.Messaging.Simulation;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Tests.Bench;

public sealed class InvariantsTests
{
    private static readonly ItemState[] Consistent = [new("svc-000001", 10, 3, 7, 3), new("svc-000002", 10, 0, 10, 0)];

    [Fact]
    public void A_quiet_consistent_run_passes_every_check()
    {
        var checks = Invariants.Evaluate(Consistent, Outcomes(reserved: 3), unsentOutbox: 0, reservationRows: 3);

        Assert.All(checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        Assert.Equal(5, checks.Count);
        Assert.Equal("1 items touched, 2 checked", checks[0].Detail);
    }

    [Fact]
    public void Counters_that_drift_from_the_lines_fail_and_name_the_item()
    {
        ItemState[] items = [new("svc-000001", 10, 4, 6, 3), Consistent[1]];

        var check = Invariants.Evaluate(items, Outcomes(reserved: 3), 0, 3)[0];

        Assert.False(check.Passed);
        Assert.Contains("svc-000001 reserved 4 vs lines 3", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_availability_fails()
    {
        ItemState[] items = [new("svc-000001", 2, 3, -1, 3)];

        var check = Invariants.Evaluate(items, Outcomes(reserved: 3), 0, 3).Single(c => c.Name == "no negative availability");

        Assert.False(check.Passed);
        Assert.Contains("svc-000001 -1", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_booking_without_an_outcome_or_an_unsent_outbox_row_fails()
    {
        var outcomes = Outcomes(reserved: 2) with { Bookings = 3, None = 1 };

        var checks = Invariants.Evaluate(Consistent, outcomes, unsentOutbox: 2, reservationRows: 2);

        Assert.False(checks.Single(c => c.Name == "exactly one outcome per booking").Passed);
        Assert.False(checks.Single(c => c.Name == "nothing left in the outbox").Passed);
        Assert.Equal("2 unsent", checks.Single(c => c.Name == "nothing left in the outbox").Detail);
    }

    [Fact]
    public void Refused_bookings_have_no_reservation_row_and_an_extra_row_fails()
    {
        var refused = BookingVerdict.ReservationFailed(ReservationFailureReasons.InsufficientStock);
        var outcomes = new OutcomeSummary(new Dictionary<string, int> { [BenchLedger.Held] = 3, [refused] = 2 }, 5, 5, 0, 0, 0, 0, []);

        Assert.True(Invariants.Evaluate(Consistent, outcomes, 0, reservationRows: 3).Single(c => c.Name.StartsWith("one reservation row", StringComparison.Ordinal)).Passed);
        Assert.False(Invariants.Evaluate(Consistent, outcomes, 0, reservationRows: 4).Single(c => c.Name.StartsWith("one reservation row", StringComparison.Ordinal)).Passed);
    }

    [Fact]
    public void Without_an_outbox_count_the_outbox_is_not_checked()
    {
        var checks = Invariants.Evaluate(Consistent, Outcomes(reserved: 3), unsentOutbox: null, reservationRows: 3);

        Assert.Equal(4, checks.Count);
        Assert.DoesNotContain(checks, c => c.Name == "nothing left in the outbox");
    }

    [Fact]
    public void Nights_whose_counters_equal_their_lines_and_fit_their_capacity_pass_with_the_bookings_checks()
    {
        NightState[] nights = [Night(held: 2, linesHeld: 2, confirmed: 1, linesConfirmed: 1), Night(night: 2)];

        var checks = Invariants.EvaluateNights(nights, Outcomes(reserved: 3), unsentOutbox: 0, reservationRows: 3);

        Assert.All(checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        Assert.Equal(
            ["held and confirmed = sum of active lines, per night", "no night above capacity + allowance",
                "exactly one outcome per booking", "one reservation row per held booking",
                "nothing left in the outbox"],
            checks.Select(c => c.Name));
        Assert.Equal("1 nights touched, 2 checked", checks[0].Detail);
    }

    [Theory]
    [InlineData(3, 2, 0, 0, "held 3 vs lines 2, confirmed 0 vs lines 0")]
    [InlineData(2, 2, 0, 1, "held 2 vs lines 2, confirmed 0 vs lines 1")]
    public void A_night_whose_held_or_confirmed_drifts_from_its_lines_fails_and_is_named(
        int held, int linesHeld, int confirmed, int linesConfirmed, string detail)
    {
        NightState[] nights = [Night(1, held, linesHeld, confirmed, linesConfirmed)];

        var check = Invariants.EvaluateNights(nights, Outcomes(reserved: 2), 0, 2)[0];

        Assert.False(check.Passed);
        Assert.Equal("1 nights differ, e.g. svc-000001 2027-03-02 " + detail, check.Detail);
    }

    [Theory]
    [InlineData(10, 0, 10, true)]
    [InlineData(10, 2, 12, true)]
    [InlineData(10, 2, 13, false)]
    [InlineData(10, 0, -1, false)]
    public void A_night_may_hold_and_sell_up_to_its_capacity_plus_its_allowance(
        int capacity, int allowance, int held, bool passes)
    {
        NightState[] nights = [Night(held: held, linesHeld: held) with { Capacity = capacity, Allowance = allowance }];

        var check = Invariants.EvaluateNights(nights, Outcomes(reserved: 1), 0, 1)
            .Single(c => c.Name == "no night above capacity + allowance");

        Assert.Equal(passes, check.Passed);
        var failure = "1 nights outside 0..capacity + allowance, e.g. " +
            $"svc-000001 2027-03-02 held {held} + confirmed 0 vs {capacity} + {allowance}";
        Assert.Equal(passes ? "1 nights" : failure, check.Detail);
    }

    [Fact]
    public void A_line_on_a_night_that_does_not_exist_shows_as_a_night_that_differs_from_its_lines()
    {
        NightState[] nights = [Night(linesHeld: 1) with { Capacity = 0, Held = 0 }, Night(night: 3, linesHeld: 0)];

        var checks = Invariants.EvaluateNights(nights, Outcomes(reserved: 1), null, 1);

        Assert.False(checks[0].Passed);
        Assert.StartsWith("1 nights differ, e.g. svc-000001 2027-03-02 held 0 vs lines 1", checks[0].Detail,
            StringComparison.Ordinal);
        Assert.True(checks[1].Passed, "held 0 fits a capacity of 0: the drift is what shows it");
        Assert.Equal(4, checks.Count);
    }

    private static NightState Night(
        int night = 1, int held = 0, int linesHeld = 0, int confirmed = 0, int linesConfirmed = 0) =>
        new("svc-000001", new DateOnly(2027, 3, night + 1), Capacity: 10, Allowance: 0, held, confirmed, linesHeld,
            linesConfirmed);

    private static OutcomeSummary Outcomes(int reserved) =>
        new(new Dictionary<string, int> { [BenchLedger.Held] = reserved }, reserved, reserved, 0, 0, 0, 0, []);
}
