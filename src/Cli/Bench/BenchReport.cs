using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BookingSystem.Cli.Bench;

/// <summary>One scenario: the service's phase, the two ceilings measured with the same load, and the checks.</summary>
/// <param name="Error">Why the scenario could not run to the end (the service did not start, ...), or null.</param>
public sealed record ScenarioResult(
    Scenario Scenario, PhaseResult? Service, PhaseResult? BrokerCeiling, PhaseResult? DbCeiling, IReadOnlyList<CheckResult> Checks, string? Error)
{
    /// <summary>
    /// The service's bookings/s as a share of the broker ceiling's (1 = as fast as the broker alone).
    /// </summary>
    public double? VsBroker => Ratio(BrokerCeiling);

    public double? VsDatabase => Ratio(DbCeiling);

    /// <summary>
    /// The run's checks passed and no phase's figures were contradicted by the tap (a cross-check that was not run or
    /// not judged is shown as such but fails nothing).
    /// </summary>
    public bool Passed => Error is null && Service is { Complete: true } && Checks.Count > 0
        && Checks.All(c => c.Passed) && !Phases.Any(p => p.CrossCheck is { Failed: true });

    public IEnumerable<PhaseResult> Phases => new[] { Service, BrokerCeiling, DbCeiling }.OfType<PhaseResult>();

    private double? Ratio(PhaseResult? ceiling) =>
        Service is { BookingsPerSecond: > 0 } service && ceiling is { BookingsPerSecond: > 0 } ? service.BookingsPerSecond / ceiling.BookingsPerSecond : null;
}

/// <summary>The knobs a run used beyond the scenarios, for the record.</summary>
public sealed record RunSettings(
    string SynchronousCommit, int DbConnections, int DbBatch, int EchoPrefetch, int EchoConcurrency, double TimeLimitSeconds, IReadOnlyDictionary<string, string> ServiceSettings);

/// <summary>
/// A whole run, and its three renderings: the console table, the JSON file, and the section appended to
/// <c>docs/benchmarks.md</c>. The console and the docs show the same rows (<see cref="Rows"/>).
/// </summary>
public sealed record BenchReport(string Command, DateTimeOffset Date, string? Label, string RunId, MachineInfo Machine, RunSettings Settings,
    IReadOnlyList<ScenarioResult> Scenarios)
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "scenario", "phase", "bookings", "done", "bookings/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "peak WS MB",
        "CPU ms/booking", "bench CPU %", "machine %", "vs broker", "vs DB", "tap", "checks",
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // A file for people and tools, never embedded in HTML: keep "+" and non-ASCII readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public bool Passed => Scenarios.Count > 0 && Scenarios.All(s => s.Passed);

    /// <summary>
    /// One row per phase: the service first, its ratios and checks on its row, the ceilings under it.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows() =>
        Scenarios.SelectMany(s => new[] { (Phase: s.Service, First: true), (Phase: s.BrokerCeiling, First: false), (Phase: s.DbCeiling, First: false) }
            .Where(p => p.Phase is not null || p.First)
            .Select(p => Row(s, p.Phase, p.First)))
        .ToList();

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static BenchReport? FromJson(string json) => JsonSerializer.Deserialize<BenchReport>(json, Json);

    public void WriteConsole(TextWriter output)
    {
        var rows = Rows();
        var widths = Columns.Select((c, i) => Math.Max(c.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        string Line(IReadOnlyList<string> cells) =>
            "  " + string.Join("  ", cells.Select((cell, i) => i < 2 || i == cells.Count - 1 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd();
        output.WriteLine();
        output.WriteLine(Line(Columns));
        output.WriteLine("  " + new string('-', widths.Sum() + (2 * (widths.Length - 1))));
        foreach (var row in rows)
        {
            output.WriteLine(Line(row));
        }

        output.WriteLine();
        foreach (var line in Details())
        {
            output.WriteLine("  " + line);
        }

        output.WriteLine();
        output.WriteLine("  " + Machine.Describe());
        output.WriteLine(Passed ? "RESULT: PASS" : "RESULT: FAIL");
    }

    /// <summary>
    /// The dated section for <c>docs/benchmarks.md</c>: command, machine, settings, the table, outcomes and checks.
    /// </summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"### {Date.UtcDateTime:yyyy-MM-dd HH:mm} UTC — {Label ?? "run " + RunId}").AppendLine().AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"`{Command}`").AppendLine().AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"- Machine: {Machine.Describe()}").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"- Settings: {DescribeSettings()}").AppendLine();
        text.AppendLine();
        text.AppendLine("| " + string.Join(" | ", Columns) + " |");
        text.AppendLine("|" + string.Concat(Columns.Select((_, i) => i < 2 || i == Columns.Count - 1 ? "---|" : "---:|")));
        foreach (var row in Rows())
        {
            text.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }

        text.AppendLine();
        foreach (var line in Details())
        {
            text.AppendLine("- " + line);
        }

        text.AppendLine();
        text.AppendLine(Passed ? "Result: PASS" : "Result: FAIL");
        return text.ToString();
    }

    public string DescribeSettings() => string.Create(CultureInfo.InvariantCulture,
        $"synchronous_commit={Settings.SynchronousCommit} (per database); DB ceiling {Settings.DbConnections} connections, batch {Settings.DbBatch}; " +
        $"broker echo prefetch {Settings.EchoPrefetch}, {Settings.EchoConcurrency} at once; time limit {Settings.TimeLimitSeconds:0} s per phase") +
        (Settings.ServiceSettings.Count == 0 ? "" : "; service " + string.Join(", ", Settings.ServiceSettings.Select(s => $"{s.Key}={s.Value}")));

    /// <summary>Per scenario: its final outcomes and its checks (and why it stopped, when it did).</summary>
    private IEnumerable<string> Details()
    {
        foreach (var scenario in Scenarios)
        {
            var name = scenario.Scenario.Name;
            if (scenario.Error is not null)
            {
                yield return $"{name}: ERROR {scenario.Error}";
            }

            foreach (var phase in scenario.Phases)
            {
                if (phase.CrossCheck is { } crossCheck)
                {
                    yield return $"{name} {phase.Phase} cross-check: {crossCheck.Describe()}";
                }

                if (phase.Cpu is { } cpu)
                {
                    yield return $"{name} {phase.Phase} CPU: {cpu.Describe()}";
                }

                if (phase.Publisher is { } publisher && phase.Phase != "DB ceiling")
                {
                    var (late, confirm) = (publisher.LateMs, publisher.ConfirmMs);
                    var collections = string.Join('/', publisher.GcCollections ?? []);
                    yield return string.Create(CultureInfo.InvariantCulture,
                        $"{name} {phase.Phase} publisher: sent after due p50 {late.P50:0.0} ms, p99 {late.P99:0.0} ms, " +
                        $"max {late.Max:0.0} ms; confirm p50 {confirm.P50:0.0} ms, p99 {confirm.P99:0.0} ms; " +
                        $"bench GC pauses {publisher.GcPauseMs:0} ms ({collections} collections of gen 0/1/2)");
                }

                foreach (var read in phase.Reads ?? [])
                {
                    yield return $"{name} {phase.Phase} reads: {read.Describe()}";
                }

                var outcomes = string.Join(", ", phase.Outcomes.ByOutcome.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key} {o.Value}")));
                var trouble = phase.TimedOut ? " — stopped by the time limit" : phase.Failure is { } failure ? $" — {failure}" : "";
                if (phase == scenario.Service || !phase.Complete)
                {
                    yield return string.Create(CultureInfo.InvariantCulture,
                        $"{name} {phase.Phase}: {(outcomes.Length == 0 ? "no outcomes" : outcomes)}{Finals(phase)}; duplicates {phase.Outcomes.DuplicateDeliveries}, send failures {phase.SendFailures}{trouble}");
                }
            }

            foreach (var check in scenario.Checks)
            {
                yield return $"{name} check: {(check.Passed ? "PASS" : "FAIL")} {check.Name} ({check.Detail})";
            }

            if (scenario.Scenario.Targets is { } targets && scenario.Service is { } service)
            {
                yield return $"{name} targets: {targets.Describe(service.BookingsPerSecond, scenario.VsDatabase)}";
            }
        }
    }

    private static string Finals(PhaseResult phase) =>
        phase.FinalSeconds is { } final && Math.Abs(final - phase.Seconds) > 0.05
            ? string.Create(CultureInfo.InvariantCulture, $" (last final outcome after {final:0.0} s)")
            : "";

    private static IReadOnlyList<string> Row(ScenarioResult scenario, PhaseResult? phase, bool first)
    {
        var name = first ? scenario.Scenario.Name : "";
        if (phase is null)
        {
            return [name, "service", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "ERROR"];
        }

        var latency = phase.Latency;
        return
        [
            name,
            phase.Phase,
            Number(phase.Bookings),
            Number(phase.Completed),
            Fixed(phase.BookingsPerSecond, "0.0"),
            Fixed(latency.P50, "0.0"),
            Fixed(latency.P95, "0.0"),
            Fixed(latency.P99, "0.0"),
            Fixed(latency.Max, "0.0"),
            phase.PeakWorkingSetMb is { } mb ? Fixed(mb, "0") : "",
            phase.CpuMsPerBooking is { } cpu ? Fixed(cpu, "0.00") : "",
            phase.Cpu?.CoreShare(CpuMeter.Bench) is { } bench ? Fixed(100 * bench, "0") : "",
            phase.Cpu is { } machine ? Fixed(100 * machine.MachineBusy, "0") : "",
            first && scenario.VsBroker is { } broker ? Fixed(broker, "0.00") : "",
            first && scenario.VsDatabase is { } database ? Fixed(database, "0.00") : "",
            phase.CrossCheck?.Verdict ?? "",
            first ? (scenario.Passed ? "PASS" : "FAIL") : phase.Complete ? "" : "incomplete",
        ];
    }

    private static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Fixed(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
