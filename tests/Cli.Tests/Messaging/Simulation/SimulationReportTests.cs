using BookingSystem.Cli.Messaging.Simulation;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Tests.Messaging.Simulation;

public sealed class SimulationReportTests
{
    private static readonly IReadOnlyList<StockItem> Items = [new("ROOM-101", 100, 10, 90), new("ROOM-102", 100, 0, 100)];

    /// <summary>Four bookings, one per outcome: confirmed (A 2, B 1), released (A 1), failed (B 5), never paid (A 3).</summary>
    private static readonly PlannedBooking[] Bookings =
    [
        new("sim-t-1", [new("ROOM-101", 2), new("ROOM-102", 1)], PaymentPlan.Pay),
        new("sim-t-2", [new("ROOM-101", 1)], PaymentPlan.FailPayment),
        new("sim-t-3", [new("ROOM-102", 5)], PaymentPlan.Pay),
        new("sim-t-4", [new("ROOM-101", 3)], PaymentPlan.NeverPay),
    ];

    [Fact]
    public void Counters_that_moved_by_exactly_the_held_quantities_pass()
    {
        var report = Report(AllOutcomes(), after: [new("ROOM-101", 100, 15, 85), new("ROOM-102", 100, 1, 99)]);

        Assert.Equal(5 + 1, report.ExpectedReservedDelta);
        Assert.Equal(6, report.ReservedDelta);
        Assert.True(report.ConsistencyPassed);
        Assert.True(report.Passed);
        Assert.Equal(new Dictionary<string, int>
        {
            [BookingVerdict.Confirmed] = 1,
            ["Released (PaymentFailed)"] = 1,
            ["ReservationFailed (InsufficientStock)"] = 1,
            [BookingVerdict.NeverPaid] = 1,
        }, report.OutcomeCounts);
        Assert.Equal(4 / 2.0, report.Throughput);
    }

    [Fact]
    public void A_counter_off_by_one_fails_the_check_and_names_the_item()
    {
        var report = Report(AllOutcomes(), after: [new("ROOM-101", 100, 16, 84), new("ROOM-102", 100, 1, 99)]);
        var text = Write(report);

        Assert.False(report.ConsistencyPassed);
        Assert.False(report.Passed);
        Assert.Contains("ROOM-101          10      16       6       5       0  MISMATCH", text, StringComparison.Ordinal);
        Assert.Contains("FAIL: reserved_after - reserved_before = 7, expected 6", text, StringComparison.Ordinal);
        Assert.EndsWith("RESULT: FAIL" + Environment.NewLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Stock_moved_by_other_bookings_during_the_run_is_expected_too()
    {
        var ledger = AllOutcomes();
        ledger.Observe(new ObservedEvent(EventTypes.InventoryReserved, "x-1", "not-ours", null, [new("ROOM-102", 4)]), TimeSpan.Zero);

        var report = Report(ledger, after: [new("ROOM-101", 100, 15, 85), new("ROOM-102", 100, 5, 95)]);

        Assert.True(report.ConsistencyPassed);
        Assert.Equal(4, report.ForeignReservedDelta);
        Assert.Contains("+ 4 by other bookings", Write(report), StringComparison.Ordinal);
    }

    [Fact]
    public void A_booking_without_an_outcome_fails_the_run_and_is_listed()
    {
        var ledger = Ledger();
        Observe(ledger, Bookings[0], EventTypes.InventoryReserved, "e1");

        var report = Report(ledger, after: [new("ROOM-101", 100, 12, 88), new("ROOM-102", 100, 1, 99)]);
        var text = Write(report);

        Assert.Equal(4, report.WithoutFinalOutcome);
        Assert.False(report.Passed);
        Assert.Null(report.Throughput);
        Assert.Contains("No final outcome (must be 0)                         4", text, StringComparison.Ordinal);
        Assert.Contains("! sim-t-1 (Pay): no final outcome; seen: InventoryReserved e1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Counters_that_cannot_be_read_after_the_run_fail_the_check()
    {
        var report = SimulationReport.Create(
            Plan(), new SimulationOptions(), AllOutcomes(), Counters(Items), after: null,
            countersError: "connection refused", new RunTimings(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)), new PublishTally(4, 2, 1, 0, null));

        Assert.False(report.ConsistencyPassed);
        Assert.False(report.Passed);
        Assert.Contains("FAIL: the counters after the run could not be read: connection refused", Write(report), StringComparison.Ordinal);
    }

    [Fact]
    public void A_publish_failure_fails_the_run_even_when_everything_else_adds_up()
    {
        var report = SimulationReport.Create(Plan(), new SimulationOptions(), AllOutcomes(), Counters(Items),
            Counters([new("ROOM-101", 100, 15, 85), new("ROOM-102", 100, 1, 99)]), null,
            new RunTimings(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)), new PublishTally(4, 2, 1, 1, "PaymentSucceeded sim-t-9: timeout"));

        Assert.True(report.ConsistencyPassed);
        Assert.False(report.Passed);
        Assert.Contains("first publish failure: PaymentSucceeded sim-t-9: timeout", Write(report), StringComparison.Ordinal);
    }

    [Fact]
    public void With_stays_every_night_is_checked_and_a_night_off_by_one_is_named()
    {
        var (june3, june4, june5, june6) =
            (new DateOnly(2027, 6, 3), new DateOnly(2027, 6, 4), new DateOnly(2027, 6, 5), new DateOnly(2027, 6, 6));
        PlannedBooking[] stays =
        [
            new("sim-s-1", [new("SUITE-1", 2, june3, june5)], PaymentPlan.Pay),
            new("sim-s-2", [new("SUITE-1", 1, june4, june6)], PaymentPlan.FailPayment),
            new("sim-s-3", [new("SUITE-1", 1, june3, june4)], PaymentPlan.NeverPay),
        ];
        var ledger = new OutcomeLedger(stays, ["SUITE-1"]);
        Observe(ledger, stays[0], EventTypes.InventoryReserved, "a1");
        Observe(ledger, stays[0], EventTypes.InventoryConfirmed, "a2");
        Observe(ledger, stays[1], EventTypes.InventoryReserved, "b1");
        Observe(ledger, stays[1], EventTypes.InventoryReleased, "b2", ReleaseReasons.PaymentFailed);
        Observe(ledger, stays[2], EventTypes.InventoryReserved, "c1");
        var before = Nights(june3, 0, 0, 0);

        var passed = StaysReport(ledger, stays, before, Nights(june3, 3, 2, 0));
        var leaked = StaysReport(ledger, stays, before, Nights(june3, 3, 2, 1));
        var text = Write(leaked);

        Assert.True(passed.ConsistencyPassed, Write(passed));
        Assert.Equal(3 + 2, passed.ExpectedReservedDelta);
        Assert.False(leaked.ConsistencyPassed);
        Assert.Contains("CONSISTENCY CHECK  held + confirmed of every night", text, StringComparison.Ordinal);
        Assert.Contains("SUITE-1            0       6       6       5       0  MISMATCH", text,
            StringComparison.Ordinal);
        Assert.Contains("! SUITE-1 night 2027-06-05: before 0, after 1, held 0, other 0", text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_booking_with_a_problem_is_listed_with_its_lines_and_their_stays()
    {
        PlannedBooking[] stays =
            [new("sim-s-9", [new("SUITE-1", 2, new(2027, 6, 3), new(2027, 6, 5))], PaymentPlan.Pay)];
        var ledger = new OutcomeLedger(stays, ["SUITE-1"]);

        var text = Write(StaysReport(ledger, stays, Nights(new(2027, 6, 3), 0), Nights(new(2027, 6, 3), 0)));

        Assert.Contains("! sim-s-9 (Pay): no event at all" + Environment.NewLine +
            "      lines: SUITE-1 x2 2027-06-03..2027-06-05 (2 nights)", text, StringComparison.Ordinal);
    }

    private static SimulationReport StaysReport(
        OutcomeLedger ledger, PlannedBooking[] bookings, IReadOnlyDictionary<CounterKey, int> before,
        IReadOnlyDictionary<CounterKey, int> after) =>
        SimulationReport.Create(new("s", ["SUITE-1"], bookings),
            new SimulationOptions { Stays = new StayWindow(new DateOnly(2027, 6, 1)) }, ledger, before, after, null,
            new RunTimings(TimeSpan.FromSeconds(1), ledger.LastFinalOutcomeAt, TimeSpan.FromSeconds(4)),
            new PublishTally(bookings.Length, 1, 1, 0, null));

    /// <summary>SUITE-1's held + confirmed on consecutive nights from <paramref name="first"/>.</summary>
    private static Dictionary<CounterKey, int> Nights(DateOnly first, params int[] units) =>
        units.Select((n, i) => (Key: new CounterKey("SUITE-1", first.AddDays(i)), Units: n))
            .ToDictionary(x => x.Key, x => x.Units);

    private static SimulationPlan Plan() => new("t", ["ROOM-101", "ROOM-102"], Bookings);

    private static OutcomeLedger Ledger() => new(Bookings, ["ROOM-101", "ROOM-102"]);

    private static OutcomeLedger AllOutcomes()
    {
        var ledger = Ledger();
        Observe(ledger, Bookings[0], EventTypes.InventoryReserved, "a1");
        Observe(ledger, Bookings[0], EventTypes.InventoryConfirmed, "a2");
        Observe(ledger, Bookings[1], EventTypes.InventoryReserved, "b1");
        Observe(ledger, Bookings[1], EventTypes.InventoryReleased, "b2", ReleaseReasons.PaymentFailed);
        Observe(ledger, Bookings[2], EventTypes.InventoryReservationFailed, "c1", ReservationFailureReasons.InsufficientStock);
        Observe(ledger, Bookings[3], EventTypes.InventoryReserved, "d1", at: TimeSpan.FromSeconds(2));
        return ledger;
    }

    private static void Observe(OutcomeLedger ledger, PlannedBooking booking, string type, string eventId, string? reason = null, TimeSpan? at = null) =>
        ledger.Observe(new ObservedEvent(type, eventId, booking.BookingId, reason, booking.Lines), at ?? TimeSpan.FromSeconds(1));

    private static SimulationReport Report(OutcomeLedger ledger, StockItem[] after) =>
        SimulationReport.Create(Plan(), new SimulationOptions(), ledger, Counters(Items), Counters(after), null,
            new RunTimings(TimeSpan.FromSeconds(1), ledger.LastFinalOutcomeAt, TimeSpan.FromSeconds(4)), new PublishTally(4, 2, 1, 0, null));

    private static IReadOnlyDictionary<CounterKey, int> Counters(IReadOnlyList<StockItem> items) =>
        StockCounters.OfItems(items.ToDictionary(i => i.ItemId), items.Select(i => i.ItemId));

    private static string Write(SimulationReport report)
    {
        using var text = new StringWriter();
        report.Write(text);
        return text.ToString();
    }
}
