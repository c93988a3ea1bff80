using BookingSystem.Cli.Messaging;
using BookingSystem.Cli.Messaging.Simulation;

namespace BookingSystem.Cli.Tests.Messaging.Simulation;

public sealed class SimulationPlanTests
{
    private static readonly IReadOnlyList<StockItem> Live =
        Enumerable.Range(101, 50).Select(n => new StockItem($"ROOM-{n}", 50, 0, n % 10 == 0 ? 0 : 50)).ToList();

    private static readonly IReadOnlyList<StockItem> Suites =
        Enumerable.Range(1, 8).Select(n => new StockItem($"SUITE-{n}", 4, 0, 4, StockItem.Nightly)).ToList();

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

    [Fact]
    public void Without_stays_nightly_items_are_left_out_and_the_plan_is_the_one_of_a_pool_only_inventory()
    {
        var options = new SimulationOptions { Bookings = 300, Items = 60, Seed = 3 };

        var poolOnly = SimulationPlan.Create(options, Live, "r");
        var mixed = SimulationPlan.Create(options, [.. Live, .. Suites], "r");

        Assert.Equal(poolOnly.ItemIds, mixed.ItemIds);
        Assert.Equal(poolOnly.Bookings.Select(Describe), mixed.Bookings.Select(Describe));
        Assert.All(mixed.Bookings.SelectMany(b => b.Lines), l => Assert.Equal((null, null), (l.CheckIn, l.CheckOut)));
    }

    [Fact]
    public void With_stays_each_booking_is_one_stay_of_one_to_seven_nights_at_nightly_items_within_the_window()
    {
        var window = new StayWindow(new DateOnly(2027, 1, 1));
        var options = new SimulationOptions { Bookings = 2_000, Items = 50, LinesMax = 3, Stays = window };

        var plan = SimulationPlan.Create(options, [.. Live, .. Suites], "r");

        Assert.Equal(Suites.Select(s => s.ItemId).Order(), plan.ItemIds.Order());
        Assert.All(plan.Bookings, b =>
        {
            var stay = Assert.Single(b.Lines.Select(l => (l.CheckIn, l.CheckOut)).Distinct());
            Assert.InRange(stay.CheckIn!.Value, window.FirstCheckIn, window.FirstCheckIn.AddDays(StayWindow.Days - 1));
            Assert.InRange(stay.CheckOut!.Value.DayNumber - stay.CheckIn.Value.DayNumber, 1, StayWindow.MaxNights);
            Assert.True(stay.CheckOut <= window.End);
        });
        var nights = plan.Bookings.Select(b => b.Lines[0])
            .Select(l => l.CheckOut!.Value.DayNumber - l.CheckIn!.Value.DayNumber);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], nights.Distinct().Order());
        Assert.Equal(window.FirstCheckIn, plan.Bookings.Min(b => b.Lines[0].CheckIn));
        Assert.Equal(window.FirstCheckIn.AddDays(StayWindow.Days - 1), plan.Bookings.Max(b => b.Lines[0].CheckIn));
    }

    [Fact]
    public void The_same_seed_gives_the_same_stays()
    {
        var options = new SimulationOptions { Bookings = 200, Seed = 11, Stays = new(new DateOnly(2027, 1, 1)) };

        var first = SimulationPlan.Create(options, Suites, "r");
        var second = SimulationPlan.Create(options, [.. Suites.Reverse(), .. Live], "r");
        var other = SimulationPlan.Create(options with { Seed = 12 }, Suites, "r");

        Assert.Equal(first.Bookings.Select(Describe), second.Bookings.Select(Describe));
        Assert.NotEqual(first.Bookings.Select(Describe), other.Bookings.Select(Describe));
    }

    [Fact]
    public void Stays_without_nightly_items_or_pools_without_pool_items_cannot_be_planned()
    {
        var stays = new SimulationOptions { Stays = new StayWindow(new DateOnly(2027, 1, 1)) };

        var noSuites = Assert.Throws<SimulationException>(() => SimulationPlan.Create(stays, Live, "r"));
        var noPools = Assert.Throws<SimulationException>(() => SimulationPlan.Create(new(), Suites, "r"));

        Assert.Contains("no Nightly items", noSuites.Message, StringComparison.Ordinal);
        Assert.Contains("--stays", noPools.Message, StringComparison.Ordinal);
    }

    private static string Describe(PlannedBooking b) => $"{b.BookingId} {b.Payment} {LineText.Of(b.Lines)}";
}
