using BookingSystem.Cli.Bench;
using BookingSystem.Cli.Tests.Infrastructure;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Npgsql;

namespace BookingSystem.Cli.Tests.Commands;

/// <summary>
/// The real <c>booking bench</c> end to end: it starts the real InventoryService (this build) on a database and vhost
/// of its own, drives a small spread run through it, checks the invariants, writes the JSON and cleans up after itself.
/// No figure is asserted: the machine may be busy.
/// </summary>
public sealed class BenchCommandTests
{
    [Fact]
    public async Task A_small_spread_run_passes_its_checks_writes_the_json_and_leaves_no_database_behind()
    {
        var json = Path.Combine(Path.GetTempPath(), $"bench-test-{Guid.NewGuid():N}.json");
        try
        {
            var run = await CliProcess.RunAsync(new Dictionary<string, string>(), TimeSpan.FromMinutes(5),
                "bench", "spread", "--bookings", "100", "--items", "50", "--warmup", "20", "--no-ceilings", "--time-limit", "120",
                "--service-dll", CliProcess.BuiltAssembly("BookingSystem.InventoryService"), "--json", json);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Matches(@"spread\s+service\s+100\s+100\s+\d+\.\d", run.Output);
            Assert.Contains("spread check: PASS exactly one outcome per booking (100 of 100; none 0, several 0, unexpected 0)", run.Output, StringComparison.Ordinal);
            Assert.Contains("spread check: PASS nothing left in the outbox (0 unsent)", run.Output, StringComparison.Ordinal);
            Assert.Contains("RESULT: PASS", run.Output, StringComparison.Ordinal);
            var report = BenchReport.FromJson(await File.ReadAllTextAsync(json))!;
            var service = Assert.Single(report.Scenarios).Service!;
            Assert.Equal((100, 100, BenchLedger.Held), (service.Bookings, service.Completed, Assert.Single(service.Outcomes.ByOutcome).Key));
            Assert.True(service.PeakWorkingSetMb > 0);
            Assert.True(service.Latency.P99 > 0);
            Assert.Equal("on", report.Machine.SynchronousCommit);
            Assert.Equal(0, await DatabasesOfRunAsync(report.RunId));
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task A_rate_for_the_drain_is_refused_before_anything_starts()
    {
        var run = await CliProcess.RunAsync(new Dictionary<string, string>(), "bench", "drain", "--rate", "100");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--rate does not apply", run.Error, StringComparison.Ordinal);
    }

    private static async Task<long> DatabasesOfRunAsync(string runId)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresConnectionString(TestEnvironment.Get("POSTGRES_DB")));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE starts_with(datname, $1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = $"bench_{runId}" });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
