using BookingSystem.Cli.Tests.Infrastructure;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.Cli.Tests.Commands;

/// <summary>
/// The real <c>booking simulate</c> against the real broker and a small fake InventoryService (one throwaway vhost
/// per test): it passes a service that behaves, and fails, with the evidence, one that answers twice or leaks stock.
/// </summary>
public sealed class SimulateCommandTests
{
    /// <summary>Stock for about half the units 60 bookings ask for, so both holds and InsufficientStock happen.</summary>
    private static readonly Dictionary<string, int> Totals = new() { ["ROOM-1"] = 20, ["ROOM-2"] = 15, ["ROOM-3"] = 0 };

    [Fact]
    public async Task Against_a_correct_service_every_booking_has_one_outcome_and_the_counters_match()
    {
        var run = await SimulateAsync(FakeServiceFault.None);

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
        var run = await SimulateAsync(FakeServiceFault.ConfirmsTwice);

        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"More than one final outcome \(must be 0\)\s+[1-9]\d*\r?\n", run.Output);
        Assert.Matches(@"! sim-\w+-\d+ \(Pay\): 2 final outcomes; seen: InventoryReserved \S+, InventoryConfirmed \S+, InventoryConfirmed", run.Output);
        Assert.Contains("RESULT: FAIL", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_whose_counters_drift_from_its_events_fails_the_consistency_check()
    {
        var run = await SimulateAsync(FakeServiceFault.LeaksReleasedStock, "--payment-failure-rate", "0.5");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("No final outcome (must be 0)                         0", run.Output, StringComparison.Ordinal);
        Assert.Contains("MISMATCH", run.Output, StringComparison.Ordinal);
        Assert.Contains("FAIL: reserved_after - reserved_before = ", run.Output, StringComparison.Ordinal);
    }

    private static async Task<CliRun> SimulateAsync(FakeServiceFault fault, params string[] extra)
    {
        await using var vhost = await TestVirtualHost.CreateAsync("sim");
        await using var service = await FakeInventoryService.StartAsync(vhost.ConnectionFactory(), Totals, fault);
        return await CliProcess.RunAsync(
            new Dictionary<string, string> { ["RABBITMQ_VHOST"] = vhost.Name },
            ["simulate", "--bookings", "60", "--items", "3", "--seed", "5", "--timeout", "20", "--api", service.Api.ToString(), .. extra]);
    }
}
