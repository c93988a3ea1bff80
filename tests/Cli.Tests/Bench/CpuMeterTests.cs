using BookingSystem.Cli.Bench;

namespace BookingSystem.Cli.Tests.Bench;

public sealed class CpuMeterTests
{
    [Fact]
    public void A_process_line_gives_user_plus_system_ticks_even_with_a_name_of_spaces_and_parentheses()
    {
        const string stat =
            "4242 (dotnet (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 30 0 1000 1 1 " +
            "18446744073709551615";

        Assert.Equal(1_801, CpuMeter.ParseProcessTicks(stat));
    }

    [Fact]
    public void The_machine_line_counts_everything_but_idle_and_iowait()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice
        Assert.Equal(100 + 1 + 20 + 3 + 4 + 5, CpuMeter.ParseMachineBusyTicks("cpu  100 1 20 7000 90 3 4 5 0 0"));
    }

    [Fact]
    public void Usage_between_two_readings_is_per_part_per_core_and_per_booking()
    {
        var start = new CpuSnapshot(0, 1_000,
            new Dictionary<string, double> { [CpuMeter.Service] = 100, [CpuMeter.Bench] = 50 });
        var end = new CpuSnapshot(2 * System.Diagnostics.Stopwatch.Frequency, 4_000,
            new Dictionary<string, double> { [CpuMeter.Service] = 1_100, [CpuMeter.Bench] = 450 });

        var usage = CpuUsage.Between(start, end, cores: 2, bookings: 2_000);

        Assert.Equal((2d, 3_000d), (usage.Seconds, usage.MachineBusyMs));
        Assert.Equal(0.75, usage.MachineBusy);
        Assert.Equal((0.5, 0.2), (usage.CoreShare(CpuMeter.Service), usage.CoreShare(CpuMeter.Bench)));
        Assert.Equal(0.5, usage.MsPerBooking(CpuMeter.Service));
        Assert.Equal(1_600, usage.OtherMs);
        Assert.Equal(
            "2.0 s, machine 75 % busy of 2 cores: service 50 % (0.500 ms/booking), bench 20 % (0.200 ms/booking), " +
            "other 80 %",
            usage.Describe());
    }

    [Fact]
    public void A_reading_of_this_machine_has_this_process_and_a_busy_time()
    {
        var reading = new CpuMeter(() => null, () => null).Read();

        Assert.True(reading.ByPart[CpuMeter.Bench] >= 0);
        Assert.True(reading.MachineBusyMs > 0);
    }
}
