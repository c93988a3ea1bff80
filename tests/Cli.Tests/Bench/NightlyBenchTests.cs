using BookingSystem.Cli.Bench;
using BookingSystem.Cli.Tests.Infrastructure;

namespace BookingSystem.Cli.Tests.Bench;

/// <summary>
/// The real <c>booking bench stays</c>, small, with both ceilings: the service (this build) migrates the bench's
/// database, so the DB ceiling's per-night SQL runs against the real schema, and its writes are checked per night
/// as the service's are (a ceiling whose writes do not add up is marked failed). No figure is asserted.
/// </summary>
public sealed class NightlyBenchTests
{
    [Fact]
    public async Task A_small_stays_run_passes_the_per_night_checks_for_the_service_and_the_db_ceiling_and_reads()
    {
        var json = Path.Combine(Path.GetTempPath(), $"bench-nightly-test-{Guid.NewGuid():N}.json");
        try
        {
            var run = await CliProcess.RunAsync(new Dictionary<string, string>(), TimeSpan.FromMinutes(5),
                "bench", "stays", "--bookings", "40", "--items", "5", "--warmup", "20", "--read-rate", "20",
                "--no-tap", "--time-limit", "120", "--json", json,
                "--service-dll", CliProcess.BuiltAssembly("BookingSystem.InventoryService"));

            Assert.True(run.ExitCode == 0, run.ToString());
            // 5 items of 365 nights.
            Assert.Matches(
                @"stays check: PASS held and confirmed = sum of active lines, per night " +
                @"\(\d+ nights touched, 1825 checked\)",
                run.Output);
            Assert.Contains("stays check: PASS no night above capacity + allowance (1825 nights)", run.Output,
                StringComparison.Ordinal);
            var scenario = Assert.Single(BenchReport.FromJson(await File.ReadAllTextAsync(json))!.Scenarios);
            Assert.All(scenario.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
            var ceiling = scenario.DbCeiling!;
            Assert.True(ceiling is { Complete: true, Failure: null },
                $"{ceiling.Failure} ({ceiling.Completed} of {ceiling.Bookings})");
            Assert.Equal(BenchLedger.Held, Assert.Single(ceiling.Outcomes.ByOutcome).Key);
            Assert.True(scenario.BrokerCeiling is { Complete: true });
            var reads = scenario.Service!.Reads!;
            Assert.Equal(["calendar", "search"], reads.Select(r => r.Name));
            Assert.All(reads, r => Assert.True(r is { Requests: > 0, Failed: 0 }, r.Describe()));
        }
        finally
        {
            File.Delete(json);
        }
    }
}
