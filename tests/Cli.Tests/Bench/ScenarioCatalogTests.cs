using BookingSystem.Cli.Bench;

namespace BookingSystem.Cli.Tests.Bench;

public sealed class ScenarioCatalogTests
{
    [Fact]
    public void All_is_the_four_scenarios_and_the_spread_mix_at_each_latency_rate()
    {
        var scenarios = ScenarioCatalog.Resolve(new ScenarioRequest(ScenarioCatalog.All));

        Assert.Equal(["spread", "hot", "mixed", "drain", "spread@1000/s", "spread@100/s"], scenarios.Select(s => s.Name));
        Assert.Equal([LoadMode.Window, LoadMode.Window, LoadMode.Window, LoadMode.Drain, LoadMode.Rate, LoadMode.Rate], scenarios.Select(s => s.Mode));
        Assert.Equal(["spread", "hot", "mixed", "drain", "spread_r1000", "spread_r100"], scenarios.Select(s => s.Tag));
    }

    [Fact]
    public void Quick_and_full_sizes_differ_and_an_explicit_size_wins_for_every_scenario()
    {
        var quick = ScenarioCatalog.Resolve(new ScenarioRequest(ScenarioCatalog.All)).ToDictionary(s => s.Name, s => s.Bookings);
        var full = ScenarioCatalog.Resolve(new ScenarioRequest(ScenarioCatalog.All, BenchSize.Full)).ToDictionary(s => s.Name, s => s.Bookings);
        var given = ScenarioCatalog.Resolve(new ScenarioRequest(ScenarioCatalog.All, BenchSize.Full, Bookings: 500, Items: 7));

        Assert.Equal(100_000, full["drain"]);
        Assert.Equal(30_000, full["spread@1000/s"]);
        Assert.Equal(3_000, full["spread@100/s"]);
        Assert.All(quick, q => Assert.True(q.Value < full[q.Key], q.Key));
        Assert.All(given, s => Assert.Equal((500, 7), (s.Bookings, s.Items)));
    }

    [Fact]
    public void The_scenarios_have_the_shapes_of_the_issue()
    {
        var byName = ScenarioCatalog.Resolve(new ScenarioRequest(ScenarioCatalog.All)).ToDictionary(s => s.Name);

        Assert.Equal(10_000, byName["spread"].Items);
        Assert.Equal(1, byName["hot"].Items);
        Assert.True(byName["mixed"] is { HasPayments: true, LinesMax: > 1, PaymentFailureRate: 0.1, ExpireRate: > 0 });
        Assert.All(byName.Values.Where(s => s.Kind != ScenarioCatalog.Mixed), s => Assert.Equal((false, 0d, 0d), (s.HasPayments, s.PaymentFailureRate, s.ExpireRate)));
    }

    [Fact]
    public void A_rate_makes_an_offered_rate_run_sized_by_its_duration()
    {
        var scenario = Assert.Single(ScenarioCatalog.Resolve(new ScenarioRequest(ScenarioCatalog.Hot, Rate: 250)));

        Assert.Equal(("hot@250/s", LoadMode.Rate, 250d * ScenarioCatalog.RateDuration(BenchSize.Quick).TotalSeconds),
            (scenario.Name, scenario.Mode, (double)scenario.Bookings));
        Assert.Equal("hot_r2_5", Assert.Single(ScenarioCatalog.Resolve(new ScenarioRequest(ScenarioCatalog.Hot, Rate: 2.5))).Tag);
    }

    [Theory]
    [InlineData("drain", 100.0)]
    [InlineData("all", 100.0)]
    [InlineData("warp", null)]
    public void A_rate_for_the_drain_or_for_all_and_an_unknown_name_are_refused(string name, double? rate)
    {
        Assert.Throws<ArgumentException>(() => ScenarioCatalog.Resolve(new ScenarioRequest(name, Rate: rate)));
    }
}
