using BookingSystem.Cli.Tests.Infrastructure;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.Cli.Tests.Commands;

/// <summary>
/// The real <c>booking simulate</c> against the real broker and a small fake InventoryService (one throwaway vhost
/// per test): it passes a service that behaves, and fails, with the evidence, one that answers twice or leaks stock;
/// by default it books the pool items only, with <c>--stays</c> stays at the nightly items only.
/// </summary>
public sealed class SimulateCommandTests
{
    /// <summary>Stock for about half the units 60 bookings ask for, so both holds and InsufficientStock happen.</summary>
    private static readonly Dictionary<string, int> Totals = new() { ["ROOM-1"] = 20, ["ROOM-2"] = 15, ["ROOM-3"] = 0 };

    /// <summary>
    /// Nightly items next to the pools: little room per night (SUITE-2 never takes 2 units), so stays both hold and
    /// meet InsufficientStock.
    /// </summary>
    private static readonly Dictionary<string, int> Nightly = new() { ["SUITE-1"] = 2, ["SUITE-2"] = 1 };

    [Fact]
    public async Task Against_a_correct_service_every_booking_has_one_outcome_and_the_counters_match()
    {
        var (run, requested) = await SimulateAsync(FakeServiceFault.None);

        Assert.All(requested, line => Assert.Equal((true, null, null),
            (Totals.ContainsKey(line.ItemId), line.CheckIn, line.CheckOut)));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Exactly one final outcome                           60", run.Output, StringComparison.Ordinal);
        Assert.Contains("No final outcome (must be 0)                         0", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"Confirmed\s+[1-9]\d*\r?\n", run.Output);
        Assert.Matches(@"ReservationFailed \(InsufficientStock\)\s+[1-9]\d*\r?\n", run.Output);
        Assert.Contains("PASS: reserved_after - reserved_before = ", run.Output, StringComparison.Ordinal);
        Assert.Contains("RESULT: PASS", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"\[\s*\d+\.\ds\] published 60/60 \| reserved \d+ \| failed \d+ \| confirmed \d+ \| released \d+ \| pending 0", run.Output);
    }

    [Fact]
    public async Task A_service_that_confirms_twice_fails_the_run_with_the_bookings_named()
    {
        var (run, _) = await SimulateAsync(FakeServiceFault.ConfirmsTwice);

        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"More than one final outcome \(must be 0\)\s+[1-9]\d*\r?\n", run.Output);
        Assert.Matches(@"! sim-\w+-\d+ \(Pay\): 2 final outcomes; seen: InventoryReserved \S+, InventoryConfirmed \S+, InventoryConfirmed", run.Output);
        Assert.Contains("RESULT: FAIL", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_whose_counters_drift_from_its_events_fails_the_consistency_check()
    {
        var (run, _) = await SimulateAsync(FakeServiceFault.LeaksReleasedStock, "--payment-failure-rate", "0.5");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("No final outcome (must be 0)                         0", run.Output, StringComparison.Ordinal);
        Assert.Contains("MISMATCH", run.Output, StringComparison.Ordinal);
        Assert.Contains("FAIL: reserved_after - reserved_before = ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_stays_every_booking_is_one_dated_stay_at_the_nightly_items_and_every_night_matches()
    {
        var (run, requested) = await SimulateAsync(FakeServiceFault.None, "--stays");

        Assert.True(run.ExitCode == 0, run.ToString());
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        Assert.NotEmpty(requested);
        Assert.All(requested, line =>
        {
            Assert.Contains(line.ItemId, Nightly.Keys);
            Assert.InRange(line.CheckIn!.Value, tomorrow.AddDays(-1), tomorrow.AddDays(179));
            Assert.InRange(line.CheckOut!.Value.DayNumber - line.CheckIn.Value.DayNumber, 1, 7);
        });
        Assert.Contains("stays of 1-7 nights checking in", run.Output, StringComparison.Ordinal);
        Assert.Contains("Exactly one final outcome                           60", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"Confirmed\s+[1-9]\d*\r?\n", run.Output);
        Assert.Matches(@"ReservationFailed \(InsufficientStock\)\s+[1-9]\d*\r?\n", run.Output);
        Assert.Contains("CONSISTENCY CHECK  held + confirmed of every night", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"SUITE-1\s+0\s+[1-9]\d*\s+[1-9]\d*\s+[1-9]\d*\s+0  ok", run.Output);
        Assert.Contains("RESULT: PASS", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_stays_a_service_that_keeps_released_nights_fails_the_check_naming_the_nights()
    {
        var (run, _) = await SimulateAsync(
            FakeServiceFault.LeaksReleasedStock, "--stays", "--payment-failure-rate", "0.5");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("MISMATCH", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"! SUITE-\d night \d{4}-\d{2}-\d{2}: before 0, after [1-9]\d*, held \d+, other 0", run.Output);
        Assert.Contains("RESULT: FAIL", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_stays_and_no_nightly_items_the_run_stops_with_one_line_saying_what_to_create()
    {
        var (run, requested) = await SimulateAsync(FakeServiceFault.None, new Dictionary<string, int>(), "--stays");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(requested);
        Assert.Contains("The inventory lists no Nightly items", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_help_documents_stays()
    {
        var run = await CliProcess.RunAsync(new Dictionary<string, string>(), "simulate", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--stays", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"1-7\s+nights", run.Output);
        Assert.Matches(@"1-180\s+days", run.Output);
    }

    private static Task<(CliRun Run, IReadOnlyList<BookingLine> Requested)> SimulateAsync(
        FakeServiceFault fault, params string[] extra) =>
        SimulateAsync(fault, Nightly, extra);

    private static async Task<(CliRun Run, IReadOnlyList<BookingLine> Requested)> SimulateAsync(
        FakeServiceFault fault, IReadOnlyDictionary<string, int> nightly, params string[] extra)
    {
        await using var vhost = await TestVirtualHost.CreateAsync("sim");
        await using var service =
            await FakeInventoryService.StartAsync(vhost.ConnectionFactory(), Totals, fault, nightly);
        var run = await CliProcess.RunAsync(
            new Dictionary<string, string> { ["RABBITMQ_VHOST"] = vhost.Name },
            ["simulate", "--bookings", "60", "--items", "3", "--seed", "5", "--timeout", "20",
                "--api", service.Api.ToString(), .. extra]);
        return (run, service.RequestedLines);
    }
}
