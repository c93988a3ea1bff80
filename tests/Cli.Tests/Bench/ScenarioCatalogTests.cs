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

    [Fact]
    public void The_nightly_scenarios_have_the_shapes_their_issue_asks_for_and_are_not_part_of_all()
    {
        var stays = Resolve(new ScenarioRequest(ScenarioCatalog.Stays));
        var hotNight = Resolve(new ScenarioRequest(ScenarioCatalog.HotNight, BenchSize.Full));

        Assert.Equal((200, 2, 1, ScenarioCatalog.DefaultReadRate),
            (stays.Items, stays.LinesMax, stays.QuantityMax, stays.ReadRate));
        Assert.Equal(new StayShape(Nights: 365, StayNightsMax: 7, ArrivalDays: 180), stays.Stays);
        Assert.Equal(new ScenarioTargets(2_000, 0.5), stays.Targets);
        Assert.Equal((1, 1, 30_000, 0d), (hotNight.Items, hotNight.LinesMax, hotNight.Bookings, hotNight.ReadRate));
        Assert.Equal(30, hotNight.Stays!.HotNight);
        Assert.Equal(new ScenarioTargets(2_000), hotNight.Targets);
        Assert.Equal("hot_night", hotNight.Tag);
        Assert.DoesNotContain(ScenarioCatalog.Resolve(new ScenarioRequest(ScenarioCatalog.All)),
            s => s.Stays is not null);
    }

    [Fact]
    public void A_read_rate_applies_to_the_scenario_with_reads_only()
    {
        Assert.Equal(25, Resolve(new ScenarioRequest(ScenarioCatalog.Stays, ReadRate: 25)).ReadRate);
        Assert.Equal(0, Resolve(new ScenarioRequest(ScenarioCatalog.HotNight, ReadRate: 25)).ReadRate);
        Assert.Equal(0, Resolve(new ScenarioRequest(ScenarioCatalog.Spread, ReadRate: 25)).ReadRate);
    }

    [Theory]
    [InlineData(2_100, 0.55, "bookings/s 2100.0 >= 2,000: met; vs DB ceiling 0.55 >= 0.50: met")]
    [InlineData(1_500, 0.3, "bookings/s 1500.0 >= 2,000: not met; vs DB ceiling 0.30 >= 0.50: not met")]
    [InlineData(2_000, null, "bookings/s 2000.0 >= 2,000: met; vs DB ceiling >= 0.50: not measured (no DB ceiling)")]
    public void Targets_say_met_or_not_for_each_figure(double perSecond, double? vsDatabase, string expected)
    {
        Assert.Equal(expected, new ScenarioTargets(2_000, 0.5).Describe(perSecond, vsDatabase));
        Assert.Equal(expected.Split(';')[0], new ScenarioTargets(2_000).Describe(perSecond, vsDatabase));
    }

    [Theory]
    [InlineData("drain", 100.0)]
    [InlineData("all", 100.0)]
    [InlineData("warp", null)]
    public void A_rate_for_the_drain_or_for_all_and_an_unknown_name_are_refused(string name, double? rate)
    {
        Assert.Throws<ArgumentException>(() => ScenarioCatalog.Resolve(new ScenarioRequest(name, Rate: rate)));
    }

    private static Scenario Resolve(ScenarioRequest request) => Assert.Single(ScenarioCatalog.Resolve(request));
}
