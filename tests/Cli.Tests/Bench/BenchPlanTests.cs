using BookingSystem.Cli.Bench;
using BookingSystem.Cli.Messaging.Simulation;

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

    private static Scenario Scenario(string kind, int bookings) =>
        ScenarioCatalog.Resolve(new ScenarioRequest(kind, Bookings: bookings, Items: Items.Count)).Single();
}
