using BookingSystem.Cli.Bench;
using BookingSystem.Cli.Messaging.Simulation;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Tests.Bench;

public sealed class BenchPlanTests
{
    private static readonly IReadOnlyList<string> Items = BenchDatabase.ItemIds("svc-", 50);
    private static readonly DateOnly Today = new(2027, 3, 1);

    [Fact]
    public void Item_ids_are_the_prefix_and_six_digits_as_the_seeding_sql_makes_them()
    {
        Assert.Equal(["dbc-000001", "dbc-000002"], BenchDatabase.ItemIds("dbc-", 2));
    }

    [Fact]
    public void Bookings_of_scenarios_without_payments_are_held_and_never_paid()
    {
        var spread = Scenario(ScenarioCatalog.Spread, 1_000);

        var plan = BenchRunner.Plan(spread, Items, "b-x-", seed: 1, forCeiling: false, Today);

        Assert.All(plan, b => Assert.Equal((PaymentPlan.NeverPay, 1), (b.Payment, b.Lines.Count)));
        Assert.Equal(1_000, plan.Select(b => b.BookingId).Distinct().Count());
        Assert.All(plan, b => Assert.StartsWith("b-x-", b.BookingId, StringComparison.Ordinal));
    }

    [Fact]
    public void In_the_mixed_scenario_the_unpaid_expire_except_in_a_ceiling_which_has_no_sweeper()
    {
        var mixed = Scenario(ScenarioCatalog.Mixed, 4_000);

        var service = BenchRunner.Plan(mixed, Items, "b-", seed: 3, forCeiling: false, Today);
        var ceiling = BenchRunner.Plan(mixed, Items, "b-", seed: 3, forCeiling: true, Today);

        Assert.InRange(service.Count(b => b.Payment == PaymentPlan.FailPayment), 320, 480);
        Assert.InRange(service.Count(b => b.Payment == PaymentPlan.LetExpire), 140, 260);
        Assert.DoesNotContain(service, b => b.Payment == PaymentPlan.NeverPay);
        Assert.Equal(service.Count(b => b.Payment == PaymentPlan.LetExpire), ceiling.Count(b => b.Payment == PaymentPlan.NeverPay));
        Assert.Contains(service, b => b.Lines.Count > 1);
        Assert.All(service, b => Assert.Equal(b.Lines.Count, b.Lines.Select(l => l.ItemId).Distinct().Count()));
    }

    [Fact]
    public void A_stays_plan_is_the_same_for_the_same_seed_and_date_and_another_for_another_seed()
    {
        var stays = Scenario(ScenarioCatalog.Stays, 500);

        var first = BenchRunner.Plan(stays, Items, "b-", seed: 7, forCeiling: false, Today);
        var again = BenchRunner.Plan(stays, Items, "b-", seed: 7, forCeiling: false, Today);
        var other = BenchRunner.Plan(stays, Items, "b-", seed: 8, forCeiling: false, Today);

        Assert.Equal(Describe(first), Describe(again));
        Assert.NotEqual(Describe(first), Describe(other));
    }

    [Fact]
    public void A_stays_booking_has_1_or_2_lines_on_distinct_items_sharing_a_stay_of_1_to_7_nights_within_180_days()
    {
        var stays = Scenario(ScenarioCatalog.Stays, 2_000);

        var plan = BenchRunner.Plan(stays, Items, "b-", seed: 1, forCeiling: false, Today);

        Assert.All(plan, b =>
        {
            Assert.InRange(b.Lines.Count, 1, 2);
            Assert.Equal(b.Lines.Count, b.Lines.Select(l => l.ItemId).Distinct().Count());
            Assert.Single(b.Lines.Select(l => (l.CheckIn, l.CheckOut)).Distinct());
            var line = b.Lines[0];
            Assert.InRange(line.CheckIn!.Value, Today.AddDays(1), Today.AddDays(180));
            Assert.InRange(line.CheckOut!.Value.DayNumber - line.CheckIn.Value.DayNumber, 1, 7);
        });
        Assert.Contains(plan, b => b.Lines.Count == 2);
        Assert.Equal(7, plan.Max(b => b.Lines[0].CheckOut!.Value.DayNumber - b.Lines[0].CheckIn!.Value.DayNumber));
        Assert.True(plan.Select(b => b.Lines[0].CheckIn).Distinct().Count() > 150, "arrivals spread over the window");
    }

    [Fact]
    public void Every_hot_night_stay_covers_the_same_night_of_the_one_item()
    {
        var hotNight = ScenarioCatalog.Resolve(new ScenarioRequest(ScenarioCatalog.HotNight, Bookings: 1_000)).Single();
        var night = Today.AddDays(hotNight.Stays!.HotNight!.Value);

        var plan = BenchRunner.Plan(hotNight, ["svc-000001"], "b-", seed: 1, forCeiling: true, Today);

        Assert.All(plan, b =>
        {
            var line = Assert.Single(b.Lines);
            Assert.Equal("svc-000001", line.ItemId);
            Assert.InRange(night, line.CheckIn!.Value, line.CheckOut!.Value.AddDays(-1));
        });
        Assert.Equal(7, plan.Select(b => b.Lines[0].CheckIn).Distinct().Count());
    }

    private static List<string> Describe(IEnumerable<PlannedBooking> plan) =>
        [.. plan.Select(b => b.BookingId + ":" + string.Join(',', b.Lines.Select(Describe)))];

    private static string Describe(BookingLine line) =>
        $"{line.ItemId}/{line.Quantity}/{line.CheckIn:O}/{line.CheckOut:O}";

    private static Scenario Scenario(string kind, int bookings) =>
        ScenarioCatalog.Resolve(new ScenarioRequest(kind, Bookings: bookings, Items: Items.Count)).Single();
}
