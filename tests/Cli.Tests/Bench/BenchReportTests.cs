using BookingSystem.Cli.Bench;

namespace BookingSystem.Cli.Tests.Bench;

public sealed class BenchReportTests
{
    private static readonly Scenario Spread = ScenarioCatalog.Resolve(new ScenarioRequest(ScenarioCatalog.Spread, Bookings: 1_000)).Single();

    [Fact]
    public void Each_scenario_is_a_service_row_with_its_ratios_and_verdict_then_a_row_per_ceiling()
    {
        var rows = Report(Checks(passed: true)).Rows();

        Assert.Equal(3, rows.Count);
        Assert.Equal(["spread", "service", "1,000", "1,000", "250.0", "12.5", "30.0", "41.0", "55.0", "180", "3.10", "", "", "0.05", "0.10", "", "PASS"],
            rows[0]);
        Assert.Equal(["", "broker ceiling", "1,000", "1,000", "5000.0"], rows[1].Take(5));
        Assert.Equal(["", "", ""], rows[1].TakeLast(3));
        Assert.Equal("2500.0", rows[2][4]);
        Assert.All(rows, r => Assert.Equal(BenchReport.Columns.Count, r.Count));
    }

    [Fact]
    public void A_failed_check_fails_the_scenario_and_the_run()
    {
        var report = Report(Checks(passed: false));

        Assert.False(report.Passed);
        Assert.Equal("FAIL", report.Rows()[0][^1]);
        var console = new StringWriter();
        report.WriteConsole(console);
        Assert.Contains("spread check: FAIL nothing left in the outbox (3 unsent)", console.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("RESULT: FAIL" + Environment.NewLine, console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_phase_the_tap_contradicts_fails_the_run_and_each_phase_shows_its_cross_check_and_cpu()
    {
        var report = Report(Checks(passed: true));
        var service = report.Scenarios[0].Service!;
        var tap = new TapResult(1_000, 1_000, 0, 0, 1_000, 1_000, 0, 10, 4_000, 15, 4_010, 4, 250, new TapLatency(1_000, 12, 20, 20, 30, 13), null, 90);
        var cpu = new CpuUsage(4, 2, 6_000, new Dictionary<string, double> { [CpuMeter.Service] = 2_000, [CpuMeter.Bench] = 1_200 }, 1_000);
        var contradicted = report with
        {
            Scenarios = [report.Scenarios[0] with
            {
                Service = service with { Cpu = cpu, CrossCheck = CrossCheck.Evaluate(service, tap, fromFirstOutcome: false) },
            }],
        };

        Assert.False(contradicted.Passed);
        var row = contradicted.Rows()[0];
        Assert.Equal(("30", "75", CrossCheck.Fail, "FAIL"), (row[11], row[12], row[15], row[16]));
        var console = new StringWriter();
        contradicted.WriteConsole(console);
        Assert.Contains("spread service cross-check: FAIL bookings/s 250.0 vs tap 250.0 (+0.0%), p99 41.0 vs tap 20.0 ms (+105.0%)", console.ToString(),
            StringComparison.Ordinal);
        Assert.Contains("spread service CPU: 4.0 s, machine 75 % busy of 2 cores: service 50 % (2.000 ms/booking), bench 30 % (1.200 ms/booking)",
            console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_nightly_scenario_shows_its_reads_next_to_their_targets_and_its_targets_after_its_checks()
    {
        var stays = ScenarioCatalog.Resolve(new ScenarioRequest(ScenarioCatalog.Stays, Bookings: 1_000)).Single();
        var report = Report(Checks(passed: true));
        var calendar = new ReadResult("calendar", "365 nights of one item", 20, 10, 40, 0, null,
            new LatencyStats(40, 4, 9, 12.5, 14, 5));
        var search = new ReadResult("search", "a 3-night stay over the 200 items", 50, 10, 40, 1,
            "503 Service Unavailable for x", new LatencyStats(39, 30, 55, 61, 70, 33));
        var nightly = report with
        {
            Scenarios = [report.Scenarios[0] with
            {
                Scenario = stays, Service = report.Scenarios[0].Service! with { Reads = [calendar, search] },
            }],
        };

        var console = new StringWriter();
        nightly.WriteConsole(console);

        var lines = console.ToString().Split(Environment.NewLine).Select(l => l.Trim()).ToList();
        Assert.Contains("stays service reads: calendar (365 nights of one item) at 10/s: 40 requests, " +
            "p50 4.0, p95 9.0, p99 12.5, max 14.0 ms (target p99 <= 20 ms: met); failed 0", lines);
        Assert.Contains("stays service reads: search (a 3-night stay over the 200 items) at 10/s: 40 requests, " +
            "p50 30.0, p95 55.0, p99 61.0, max 70.0 ms (target p99 <= 50 ms: not met); " +
            "failed 1, first: 503 Service Unavailable for x", lines);
        var targets = lines.IndexOf(
            "stays targets: bookings/s 250.0 >= 2,000: not met; vs DB ceiling 0.10 >= 0.50: not met");
        var lastCheck = lines.FindLastIndex(l => l.StartsWith("stays check:", StringComparison.Ordinal));
        Assert.True(targets > lastCheck, console.ToString());
        Assert.True(nightly.Passed, "targets are reported, not failed on");
        Assert.Equal(calendar, BenchReport.FromJson(nightly.ToJson())!.Scenarios[0].Service!.Reads![0]);
    }

    [Fact]
    public void The_markdown_section_has_the_date_label_command_machine_and_the_same_rows()
    {
        var markdown = Report(Checks(passed: true)).ToMarkdown();

        Assert.StartsWith("### 2026-12-01 12:30 UTC — before", markdown, StringComparison.Ordinal);
        Assert.Contains("`booking bench spread --bookings 1000`", markdown, StringComparison.Ordinal);
        Assert.Contains("- Machine: 2 cores (Test CPU), 8 GiB, Debian, .NET 10, PostgreSQL 15.18 (fsync=off, synchronous_commit=on, full_page_writes=off), RabbitMQ 3.10.8",
            markdown, StringComparison.Ordinal);
        Assert.Contains("| scenario | phase | bookings |", markdown, StringComparison.Ordinal);
        Assert.Contains("| spread | service | 1,000 | 1,000 | 250.0 | 12.5 | 30.0 | 41.0 | 55.0 | 180 | 3.10 |  |  | 0.05 | 0.10 |  | PASS |", markdown,
            StringComparison.Ordinal);
        Assert.Contains("- spread check: PASS nothing left in the outbox (0 unsent)", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_reads_back_as_the_same_figures()
    {
        var report = Report(Checks(passed: true));

        var read = BenchReport.FromJson(report.ToJson())!;

        var scenario = Assert.Single(read.Scenarios);
        Assert.Equal(report.Scenarios[0].Service!.Latency, scenario.Service!.Latency);
        Assert.Equal((250d, 0.05, true), (scenario.Service.BookingsPerSecond, scenario.VsBroker, read.Passed));
        Assert.Equal(Spread, scenario.Scenario);
        Assert.Equal(report.Machine, read.Machine);
        Assert.Contains("\"bookingsPerSecond\": 250", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Appending_to_the_docs_creates_the_file_once_and_adds_each_run_below_the_results_heading()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bench-docs-{Guid.NewGuid():N}", "benchmarks.md");
        try
        {
            await BenchDocs.AppendAsync(path, Report(Checks(passed: true)));
            await BenchDocs.AppendAsync(path, Report(Checks(passed: true)) with { Label = "after" });

            var text = await File.ReadAllTextAsync(path);
            Assert.StartsWith(BenchDocs.Title + Environment.NewLine + Environment.NewLine + BenchDocs.ResultsHeading, text, StringComparison.Ordinal);
            Assert.Equal(1, Count(text, BenchDocs.ResultsHeading));
            Assert.True(text.IndexOf("— before", StringComparison.Ordinal) < text.IndexOf("— after", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public async Task Appending_to_a_hand_written_intro_adds_the_results_heading_after_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bench-intro-{Guid.NewGuid():N}.md");
        await File.WriteAllTextAsync(path, "# Benchmarks\n\nHow to run.\n");
        try
        {
            await BenchDocs.AppendAsync(path, Report(Checks(passed: true)));

            var text = await File.ReadAllTextAsync(path);
            Assert.StartsWith("# Benchmarks\n\nHow to run.\n", text, StringComparison.Ordinal);
            Assert.True(text.IndexOf(BenchDocs.ResultsHeading, StringComparison.Ordinal) < text.IndexOf("### ", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private static IReadOnlyList<CheckResult> Checks(bool passed) =>
        [new("reserved = sum of active lines", true, "1000 items touched, 10000 checked"), new("nothing left in the outbox", passed, passed ? "0 unsent" : "3 unsent")];

    private static BenchReport Report(IReadOnlyList<CheckResult> checks)
    {
        var outcomes = new OutcomeSummary(new Dictionary<string, int> { [BenchLedger.Held] = 1_000 }, 1_000, 1_000, 0, 0, 0, 0, []);
        PhaseResult Phase(string name, double perSecond, double? peak = null, double? cpu = null) => new(name, 1_000, 1_000, 1_000, 1_000 / perSecond, perSecond,
            new LatencyStats(1_000, 12.5, 30, 41, 55, 15), outcomes, false, 0, null, peak, cpu, null);
        var scenario = new ScenarioResult(Spread, Phase("service", 250, 180.4, 3.1), Phase("broker ceiling", 5_000), Phase("DB ceiling", 2_500), checks, null);
        return new BenchReport("booking bench spread --bookings 1000", new DateTimeOffset(2026, 12, 1, 12, 30, 0, TimeSpan.Zero), "before", "abcd1234",
            new MachineInfo(2, "Test CPU", 8_192, "Debian", ".NET 10", "15.18", "3.10.8", "off", "on", "off"),
            new RunSettings("on", 8, 1, 1_000, 64, 120, new Dictionary<string, string>()), [scenario]);
    }
}
