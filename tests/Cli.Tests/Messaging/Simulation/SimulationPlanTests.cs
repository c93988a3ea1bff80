using BookingSystem.Cli.Messaging.Simulation;

namespace BookingSystem.Cli.Tests.Messaging.Simulation;

public sealed class SimulationPlanTests
{
    private static readonly IReadOnlyList<StockItem> Live =
        Enumerable.Range(101, 50).Select(n => new StockItem($"ROOM-{n}", 50, 0, n % 10 == 0 ? 0 : 50)).ToList();

    [Fact]
    public void The_same_seed_over_the_same_items_gives_the_same_plan()
    {
        var options = new SimulationOptions { Bookings = 200, Seed = 7 };

        var first = SimulationPlan.Create(options, Live, "run1");
        var second = SimulationPlan.Create(options, Live.Reverse().ToList(), "run1");
        var other = SimulationPlan.Create(options with { Seed = 8 }, Live, "run1");

        Assert.Equal(first.ItemIds, second.ItemIds);
        Assert.Equal(first.Bookings.Select(Describe), second.Bookings.Select(Describe));
        Assert.NotEqual(first.Bookings.Select(Describe), other.Bookings.Select(Describe));
    }

    [Fact]
    public void Bookings_use_only_the_chosen_items_with_distinct_lines_and_quantities_in_range()
    {
        var plan = SimulationPlan.Create(new SimulationOptions { Bookings = 2_000, Items = 5, QuantityMax = 3, LinesMax = 3 }, Live, "abc");

        Assert.Equal(5, plan.ItemIds.Count);
        Assert.All(plan.Bookings, b =>
        {
            Assert.InRange(b.Lines.Count, 1, 3);
            Assert.Equal(b.Lines.Count, b.Lines.Select(l => l.ItemId).Distinct().Count());
            Assert.All(b.Lines, l => Assert.Contains(l.ItemId, plan.ItemIds));
            Assert.All(b.Lines, l => Assert.InRange(l.Quantity, 1, 3));
        });
        Assert.Equal(3, plan.Bookings.Max(b => b.Lines.Max(l => l.Quantity)));
        Assert.Equal(2_000, plan.Bookings.Select(b => b.BookingId).Distinct().Count());
        Assert.All(plan.Bookings, b => Assert.StartsWith("sim-abc-", b.BookingId, StringComparison.Ordinal));
    }

    [Fact]
    public void Items_with_stock_are_chosen_before_sold_out_ones()
    {
        var plan = SimulationPlan.Create(new SimulationOptions { Bookings = 1, Items = 47 }, Live, "r");

        Assert.Equal(45, plan.ItemIds.Count(id => Live.Single(i => i.ItemId == id).Available > 0));
        Assert.Equal(47, plan.ItemIds.Distinct().Count());
    }

    [Fact]
    public void Payment_fates_follow_the_rates()
    {
        var plan = SimulationPlan.Create(new SimulationOptions { Bookings = 10_000, PaymentFailureRate = 0.1, NeverPayRate = 0.05 }, Live, "r");

        Assert.InRange(plan.Bookings.Count(b => b.Payment == PaymentPlan.FailPayment), 900, 1_100);
        Assert.InRange(plan.Bookings.Count(b => b.Payment == PaymentPlan.NeverPay), 420, 580);
        Assert.All(
            SimulationPlan.Create(new SimulationOptions { Bookings = 500, PaymentFailureRate = 0, NeverPayRate = 0 }, Live, "r").Bookings,
            b => Assert.Equal(PaymentPlan.Pay, b.Payment));
    }

    private static string Describe(PlannedBooking b) =>
        $"{b.BookingId} {b.Payment} {string.Join(',', b.Lines.Select(l => $"{l.ItemId}x{l.Quantity}"))}";
}
