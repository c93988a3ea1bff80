using BookingSystem.Cli.Messaging.Simulation;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Tests.Messaging.Simulation;

public sealed class StockCountersTests
{
    [Fact]
    public void A_stay_moves_one_counter_per_night_and_a_pool_line_its_item()
    {
        var (feb27, feb28, mar1, mar2) =
            (new DateOnly(2027, 2, 27), new DateOnly(2027, 2, 28), new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 2));

        Assert.Equal([new("SUITE-1", feb27), new("SUITE-1", feb28), new("SUITE-1", mar1)],
            CounterKey.Of(new BookingLine("SUITE-1", 2, feb27, mar2)));
        Assert.Equal([new CounterKey("ROOM-101")], CounterKey.Of(new BookingLine("ROOM-101", 5)));
    }

    [Fact]
    public void Held_adds_up_the_units_of_every_line_on_each_counter_it_moves()
    {
        var (june3, june4, june5) = (new DateOnly(2027, 6, 3), new DateOnly(2027, 6, 4), new DateOnly(2027, 6, 5));

        var held = StockCounters.Held(
            [new("SUITE-1", 2, june3, june5), new("SUITE-1", 1, june4, june5), new("ROOM-101", 3), new("ROOM-101", 1)]);

        var expected = new Dictionary<CounterKey, int>
        {
            [new("SUITE-1", june3)] = 2, [new("SUITE-1", june4)] = 3, [new("ROOM-101")] = 4,
        };
        Assert.Equal(expected, held);
    }
}
