using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CsCheck;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace BookingSystem.InventoryService.IntegrationTests.Nights;

/// <summary>One service with its broker; a payment outcome waits for its booking longer than any run lasts.</summary>
public sealed class NightsModelEnvironment : MessagingEnvironment
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [.. base.Settings, new("Reservations:PaymentRetention", "365.00:00:00")];
}

/// <summary>
/// Model-based: CsCheck generates scenarios (one or two nightly items over five nights, then 10-45 operations:
/// bookings over HTTP and by message with one or two dated lines, repeats, payments succeeded and failed, releases,
/// the clock moving holds past their deadline, admin calendar changes of capacity, stop-sell, minimum stay and
/// allowance, and reads: the stay search and the availability check) and runs each against the service and the pure
/// <see cref="NightsModel"/>: every answer must be the model's and, after every step, so must every night of the
/// calendar, every booking's status and stored overbooked nights, each night's low-stock alerts and the audit trail.
/// A failure names the step, what was expected and what came, the steps before it and both calendars; CsCheck shrinks
/// it to the shortest scenario it finds within the run and prints it with its seed. Replay it with
/// <c>CsCheck_Seed=&lt;seed&gt; NIGHTS_MODEL_ITER=1 dotnet test tests/InventoryService.IntegrationTests --filter
/// "FullyQualifiedName~Nights.NightlyModelTests"</c>; <c>NIGHTS_MODEL_ITER</c> sets how many scenarios a run tries
/// (default 40, about 1,000 operations, about a minute).
/// </summary>
[Collection(nameof(NightsCollection))]
public sealed class NightlyModelTests(NightsModelEnvironment env, ITestOutputHelper output)
    : IClassFixture<NightsModelEnvironment>
{
    private const int WindowNights = 5;
    private const int DaysAhead = 20; // the clock moves minutes per step: the window stays in the future
    private const int DefaultScenarios = 40;

    private static int Scenarios =>
        int.TryParse(Environment.GetEnvironmentVariable("NIGHTS_MODEL_ITER"), CultureInfo.InvariantCulture, out var n)
            && n > 0 ? n : DefaultScenarios;

    [Fact]
    public async Task Generated_operation_sequences_agree_with_the_reference_model_after_every_step()
    {
        var tally = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var users = new ConcurrentDictionary<string, HttpClient>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var (scenarios, steps) = (0, 0);
        try
        {
            await NightScenarios.Generate(WindowNights).SampleAsync(async scenario =>
                {
                    scenarios++;
                    steps += await new NightScenarioRun(env, scenario, tally, users, WindowNights).RunAsync(DaysAhead);
                },
                output.WriteLine, iter: Scenarios, threads: 1, print: scenario => scenario.ToString());
        }
        finally
        {
            output.WriteLine($"{scenarios} scenarios, {steps} operations checked step by step in " +
                $"{clock.Elapsed.TotalSeconds:F1} s; what they reached (operation -> answer: times):");
            foreach (var (category, count) in tally.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                output.WriteLine($"  {category}: {count}");
            }
        }
    }
}
