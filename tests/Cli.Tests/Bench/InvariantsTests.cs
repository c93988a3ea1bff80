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

    private static OutcomeSummary Outcomes(int reserved) =>
        new(new Dictionary<string, int> { [BenchLedger.Held] = reserved }, reserved, reserved, 0, 0, 0, 0, []);
}
