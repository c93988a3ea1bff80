using System.Diagnostics;
using System.Text;
using BookingSystem.Cli.Bench;
using BookingSystem.Cli.Messaging;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace BookingSystem.Cli.Tests.Bench;

/// <summary>
/// The real tap process (src/BenchTap) on a throwaway virtual host, read back through <see cref="TapResult"/>: the
/// contract between two programs that share no code. The tap is not referenced by this project (it must stay
/// independent of the CLI); if the solution has not been built, the test builds it.
/// </summary>
public sealed class TapProcessTests
{
    private const string Exchange = "booking.events";

    private static readonly SemaphoreSlim Build = new(1, 1);

    [Fact]
    public async Task The_tap_times_each_bookings_first_outcome_and_counts_nothing_else()
    {
        await using var vhost = await TestVirtualHost.CreateAsync("tap");
        await using var connection = await vhost.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Topic, durable: true);
        var result = Path.Combine(Path.GetTempPath(), $"tap-test-{Guid.NewGuid():N}.json");
        var broker = new BrokerSettings("127.0.0.1", Broker.Single.AmqpPorts[0], vhost.Name,
            TestEnvironment.Get("RABBITMQ_USER"), TestEnvironment.Get("RABBITMQ_PASSWORD"), Exchange);
        var management = new Uri($"http://127.0.0.1:{Broker.Single.ManagementPort}/api/");
        var dll = await TapDllAsync();
        await using var tap = await TapProcess.StartAsync(dll, broker, management, "booking.created", "t-", result,
            CancellationToken.None);
        try
        {
            foreach (var booking in new[] { "t-1", "t-2", "t-3", "x-1" })
            {
                await PublishAsync(channel, "booking.created", booking);
            }

            await Task.Delay(500);
            await PublishAsync(channel, "inventory.reserved", "t-1");
            await PublishAsync(channel, "inventory.reserved", "t-2");
            await PublishAsync(channel, "inventory.confirmed", "t-1"); // a later outcome: not the first
            await PublishAsync(channel, "inventory.reserved", "x-1"); // another run's booking
            await PublishAsync(channel, "inventory.low-stock", bookingId: null);
            await Task.Delay(200);

            var seen = await tap.StopAsync();

            Assert.Equal((3, 2), (seen.Bookings, seen.Completed));
            Assert.Equal((0, 0), (seen.OutcomesWithoutBooking, seen.OutcomeBeforeBooking));
            Assert.Equal((4L, 5L, 1), (seen.BookingMessages, seen.OutcomeMessages, seen.WithoutBookingId));
            Assert.Equal(2, seen.Latency.Count);
            // From the booking's arrival at the tap (which may lag its publish a little) to its outcome's, 500 ms on.
            Assert.InRange(seen.Latency.P50, 250, 10_000);
            Assert.True(seen.Latency.P99 >= seen.Latency.P50);
            Assert.True(seen.BookingsPerSecond > 0);
            Assert.Equal(new TapBrokerCounts(4, 5), seen.BrokerRouted);
            var times = await File.ReadAllLinesAsync(Path.ChangeExtension(result, ".times.csv"));
            Assert.Equal("bookingId,bookingMs,outcomeMs", times[0]);
            var ids = times.Skip(1).Select(line => line.Split(',')[0]).Order(StringComparer.Ordinal);
            Assert.Equal(["t-1", "t-2", "t-3"], ids);
        }
        finally
        {
            File.Delete(result);
            File.Delete(Path.ChangeExtension(result, ".times.csv"));
        }
    }

    private static async Task PublishAsync(IChannel channel, string routingKey, string? bookingId)
    {
        var data = bookingId is null ? """{"itemId":"i-1"}""" : $$"""{"bookingId":"{{bookingId}}","items":[]}""";
        var body = Encoding.UTF8.GetBytes($$"""{"eventId":"{{Guid.NewGuid()}}","eventType":"x","data":{{data}}}""");
        await channel.BasicPublishAsync(Exchange, routingKey, mandatory: false, new BasicProperties(), body);
    }

    /// <summary>The tap of this configuration's build, built first if the solution has not been.</summary>
    private static async Task<string> TapDllAsync()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var root = TestEnvironment.RepositoryRoot();
        var dll = Path.Combine(root, "src", "BenchTap", "bin", configuration, "net10.0", "booking-tap.dll");
        await Build.WaitAsync();
        try
        {
            if (!File.Exists(dll))
            {
                var project = Path.Combine(root, "src", "BenchTap", "BenchTap.csproj");
                string[] arguments = ["build", project, "-c", configuration, "-nologo", "-v", "q"];
                using var build = Process.Start(new ProcessStartInfo("dotnet", arguments)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                })!;
                var output = await build.StandardOutput.ReadToEndAsync();
                await build.WaitForExitAsync();
                Assert.True(build.ExitCode == 0, "building the tap failed: " + output);
            }
        }
        finally
        {
            Build.Release();
        }

        return dll;
    }
}
