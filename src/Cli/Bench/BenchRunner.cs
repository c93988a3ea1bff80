using System.Globalization;
using System.Security.Cryptography;
using BookingSystem.Cli.Messaging;
using BookingSystem.Cli.Messaging.Simulation;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Bench;

/// <summary>What <c>booking bench</c> was asked to do (validated by the command).</summary>
public sealed record BenchOptions
{
    public required IReadOnlyList<Scenario> Scenarios { get; init; }

    public required string ServiceDll { get; init; }

    /// <summary>Logs of the service processes and, unless <see cref="JsonPath"/> says otherwise, the JSON.</summary>
    public required string OutputDirectory { get; init; }

    public required string Command { get; init; }

    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(120);

    public bool Ceilings { get; init; } = true;

    public int DbConnections { get; init; } = 8;

    public int DbBatch { get; init; } = 500;

    public int EchoPrefetch { get; init; } = 1_000;

    public int EchoConcurrency { get; init; } = 64;

    /// <summary>
    /// Configuration for the service on top of the bench's (e.g. <c>RabbitMq__Prefetch=500</c>), to compare settings.
    /// </summary>
    public IReadOnlyDictionary<string, string> ServiceSettings { get; init; } = new Dictionary<string, string>();

    public string SynchronousCommit { get; init; } = "on";

    public int Seed { get; init; } = 1;

    public string? JsonPath { get; init; }

    /// <summary>Where to append the run's section; null: nowhere.</summary>
    public string? DocsPath { get; init; }

    public string? Label { get; init; }

    /// <summary>Bookings of the unmeasured phase before each measured one (not for a drain).</summary>
    public int Warmup { get; init; } = 10_000;

    /// <summary>
    /// An offered-rate phase is preceded by this long at its own rate, unmeasured (after the warm-up).
    /// </summary>
    public TimeSpan LeadIn { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Keep each scenario's database and virtual host (to look at them afterwards).</summary>
    public bool Keep { get; init; }

    /// <summary>
    /// The tap (<c>booking-tap.dll</c>) that cross-checks each phase behind the broker; null: none (said in the
    /// report).
    /// </summary>
    public string? TapDll { get; init; }

    /// <summary>Why there is no tap, when <see cref="TapDll"/> is null.</summary>
    public string? NoTapReason { get; init; }
}

/// <summary>
/// Runs the scenarios one after another, each on a database and a virtual host of its own with one InventoryService
/// process: seed the items with SQL, run the service phase, check the invariants once quiet, stop the service, then
/// measure the two ceilings with the same load on the same database and broker. Writes the JSON, prints the table,
/// appends the docs section. A scenario that fails is reported and the next one runs.
/// </summary>
public sealed class BenchRunner(BenchOptions options, DevelopmentSettings settings, TextWriter output, TimeProvider time)
{
    public const string ServiceItemPrefix = "svc-";
    public const string CeilingItemPrefix = "dbc-";

    /// <summary>The mixed scenario's hold for the bookings left to expire, and how often the sweeper looks.</summary>
    public static readonly TimeSpan ExpiringHold = TimeSpan.FromSeconds(3);

    public static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// After a warm-up, the service is quiet once it uses less than this share of a core for a second.
    /// </summary>
    public const double QuietShare = 0.05;

    public static readonly TimeSpan QuietTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long the outbox may take to show every row sent once the last outcome is in.</summary>
    public static readonly TimeSpan OutboxDrainTimeout = TimeSpan.FromSeconds(30);

    private readonly PhaseRunner _phases = new(output, time);

    /// <summary>The run's date (UTC): nightly items' first night, and what their stays are planned from.</summary>
    private readonly DateOnly _today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
    private Uri? _managementApi;

    /// <summary>
    /// No spinning for idle thread-pool workers in the bench process. By default a worker that runs out of work
    /// spins (<c>sched_yield</c>) before it sleeps; the bench's work comes in thousands of small wake-ups a second
    /// (confirms, deliveries, timers), so its workers spun most of the time: 36-42 % of the bench's CPU samples were
    /// <c>LowLevelLifoSemaphore.Wait</c> spinning, CPU that the service, RabbitMQ and PostgreSQL needed on 2 cores.
    /// The pool reads the setting once, when its first worker starts: this must run before any work is queued.
    /// Without spinning, two workers (the minimum on 2 cores) were not enough: outcomes reached the bench's observer up
    /// to 120 ms after the tap's while its publisher kept time; with at least 8 the cross-check passed in 4 of 4 runs
    /// at 1,000/s (p99 median 42.5 vs 65.5 ms, 3 of 4).
    /// </summary>
    public static void QuietThreadPool()
    {
        AppContext.SetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", 0);
        ThreadPool.GetMinThreads(out var workers, out var completions);
        ThreadPool.SetMinThreads(Math.Max(workers, 8), completions);
    }

    public async Task<BenchReport> RunAsync(CancellationToken ct)
    {
        var runId = SimulationPlan.NewRunId();
        using var infrastructure = new BenchInfrastructure(settings);
        _managementApi = infrastructure.ManagementApi;
        Directory.CreateDirectory(options.OutputDirectory);
        var rabbitMq = await infrastructure.RabbitMqVersionAsync(ct);
        await output.WriteLineAsync($"bench run {runId}: {options.Scenarios.Count} scenario(s); service {options.ServiceDll}; logs in {options.OutputDirectory}");
        await output.WriteLineAsync("  (numbers from a machine that is busy with anything else are smoke numbers only)");
        var results = new List<ScenarioResult>();
        DatabaseSettings? database = null;
        foreach (var scenario in options.Scenarios)
        {
            var (result, settingsSeen) = await RunScenarioAsync(infrastructure, runId, scenario, ct);
            results.Add(result);
            database ??= settingsSeen;
        }

        var report = new BenchReport(options.Command, time.GetUtcNow(), options.Label, runId, MachineInfo.Current(database, rabbitMq),
            new RunSettings(options.SynchronousCommit, options.DbConnections, options.DbBatch, options.EchoPrefetch, options.EchoConcurrency,
                options.TimeLimit.TotalSeconds, options.ServiceSettings),
            results);
        var json = options.JsonPath ?? Path.Combine(options.OutputDirectory, "results.json");
        await File.WriteAllTextAsync(json, report.ToJson(), CancellationToken.None);
        report.WriteConsole(output);
        await output.WriteLineAsync($"JSON: {json}");
        if (options.DocsPath is { } docs)
        {
            await BenchDocs.AppendAsync(docs, report);
            await output.WriteLineAsync($"Appended to {docs}");
        }

        return report;
    }

    /// <summary>
    /// The bookings of a phase. In the mixed scenario those that never pay are left to expire, except in the ceilings,
    /// which have no sweeper. In a nightly scenario each booking's lines share one stay, planned from
    /// <paramref name="today"/> with the same seed.
    /// </summary>
    public static IReadOnlyList<PlannedBooking> Plan(
        Scenario scenario, IReadOnlyList<string> itemIds, string idPrefix, int seed, bool forCeiling, DateOnly today)
    {
        var mix = new SimulationOptions
        {
            Bookings = scenario.Bookings,
            Items = itemIds.Count,
            LinesMax = scenario.LinesMax,
            QuantityMax = scenario.QuantityMax,
            PaymentFailureRate = scenario.HasPayments ? scenario.PaymentFailureRate : 0,
            NeverPayRate = scenario.HasPayments ? scenario.ExpireRate : 1,
        };
        var random = new Random(seed);
        var bookings = SimulationPlan.PlanBookings(mix, itemIds, random, idPrefix);
        if (scenario.Stays is { } stays)
        {
            bookings = [.. bookings.Select(b =>
            {
                var (checkIn, checkOut) = stays.Draw(today, random);
                return b with { Lines = [.. b.Lines.Select(l => l with { CheckIn = checkIn, CheckOut = checkOut })] };
            })];
        }

        return scenario.HasPayments && !forCeiling
            ? bookings.Select(b => b.Payment == PaymentPlan.NeverPay ? b with { Payment = PaymentPlan.LetExpire } : b).ToList()
            : bookings;
    }

    private async Task<(ScenarioResult Result, DatabaseSettings? Database)> RunScenarioAsync(
        BenchInfrastructure infrastructure, string runId, Scenario scenario, CancellationToken ct)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"== {scenario.Name}: {scenario.Bookings:N0} bookings over {scenario.Items:N0} items, 1-{scenario.LinesMax} lines of 1-{scenario.QuantityMax} units, " +
            $"{Describe(scenario)}{(scenario.HasPayments ? $", payment failures {scenario.PaymentFailureRate:P0}, expiries {scenario.ExpireRate:P0}" : "")}")
                + DescribeStays(scenario));
        var name = $"bench_{runId}_{scenario.Tag}";
        string Prefix(string phase) => $"b{runId}-{scenario.Tag}-{phase}-";
        BenchDatabase? database = null;
        string? vhost = null;
        DatabaseSettings? databaseSettings = null;
        PhaseResult? service = null, brokerCeiling = null, dbCeiling = null;
        IReadOnlyList<CheckResult> checks = [];
        try
        {
            database = await infrastructure.CreateDatabaseAsync(name, options.SynchronousCommit, ct);
            vhost = await infrastructure.CreateVirtualHostAsync(name.Replace('_', '-'), ct);
            var broker = infrastructure.Broker with { VirtualHost = vhost };
            await using var publisher = await BrokerClient.ConnectAsync(broker, 2 * scenario.Window, ct);

            (service, checks, databaseSettings) = await RunServiceAsync(scenario, database, broker, publisher, Prefix("svc"), ct);
            if (options.Ceilings)
            {
                await output.WriteLineAsync($"  broker ceiling: the same round trip through an echo consumer, no database (vhost {vhost})");
                brokerCeiling = await WarmThenMeasureAsync(phase => new BrokerTarget(phase, publisher,
                        new BrokerEcho(broker, options.EchoPrefetch, options.EchoConcurrency, time), time),
                    "broker ceiling", scenario, BenchDatabase.ItemIds(ServiceItemPrefix, scenario.Items), Prefix("brk"),
                    forCeiling: true, new TapPlan(broker, BrokerEcho.Prefix + RoutingKeys.BookingCreated, "brk"),
                    reads: null, ct);

                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  DB ceiling: the service's SQL per booking, {options.DbConnections} connections, {options.DbBatch} booking(s) per transaction, no broker"));
                await database.SeedItemsAsync(
                    CeilingItemPrefix, scenario.Items, Stock(scenario), Calendar(scenario), ct);
                dbCeiling = await WarmThenMeasureAsync(phase => new DbCeiling(phase, database.DataSource, options.DbConnections, options.DbBatch, time),
                    "DB ceiling", scenario, BenchDatabase.ItemIds(CeilingItemPrefix, scenario.Items), Prefix("dbc"),
                    forCeiling: true, tap: null, reads: null, ct);
                dbCeiling = await CheckCeilingAsync(database, scenario, dbCeiling, Prefix("dbc"), ct);
            }

            return (new ScenarioResult(scenario, service, brokerCeiling, dbCeiling, checks, null), databaseSettings);
        }
        catch (Exception e) when (e is BenchException or BrokerException or Npgsql.NpgsqlException or HttpRequestException or IOException)
        {
            await output.WriteLineAsync($"  {scenario.Name} failed: {e.Message}");
            return (new ScenarioResult(scenario, service, brokerCeiling, dbCeiling, checks, e.Message), databaseSettings);
        }
        finally
        {
            if (!options.Keep)
            {
                if (vhost is not null)
                {
                    await infrastructure.DeleteVirtualHostAsync(vhost);
                }

                if (database is not null)
                {
                    await database.DisposeAsync();
                }
            }
            else if (database is not null)
            {
                await output.WriteLineAsync($"  kept database {database.Name} and virtual host {vhost}");
            }
        }
    }

    /// <summary>
    /// Starts the service (it migrates the database and declares its queues), seeds, runs the phase, checks once quiet,
    /// stops it.
    /// </summary>
    private async Task<(PhaseResult Result, IReadOnlyList<CheckResult> Checks, DatabaseSettings Database)> RunServiceAsync(
        Scenario scenario, BenchDatabase database, BrokerSettings broker, BrokerClient publisher, string bookingPrefix, CancellationToken ct)
    {
        // Short, in the temp directory: a Unix socket path is limited to about 100 bytes.
        var socket = Path.Combine(Path.GetTempPath(), $"booking-bench-{database.Name}.sock");
        var environment = ServiceEnvironment(scenario, database, broker);
        var log = Path.Combine(options.OutputDirectory, $"{scenario.Tag}.service.log");
        ServiceProcess Launch() => ServiceProcess.Start(options.ServiceDll, environment, socket, log);

        var handler = new ServiceHandler(Launch(), Launch);
        try
        {
            await handler.Current.WaitReadyAsync(ReadyTimeout, ct);
            var databaseSettings = await database.SettingsAsync(ct);
            await output.WriteLineAsync($"  service pid {handler.Current.Id} on {ServiceProcess.UrlOf(socket)} (log {log}); database {database.Name}: " +
                $"fsync={databaseSettings.Fsync}, synchronous_commit={databaseSettings.SynchronousCommit}, full_page_writes={databaseSettings.FullPageWrites}");
            await database.SeedItemsAsync(ServiceItemPrefix, scenario.Items, Stock(scenario), Calendar(scenario), ct);
            var itemIds = BenchDatabase.ItemIds(ServiceItemPrefix, scenario.Items);
            var reads = scenario is { ReadRate: > 0, Stays: { } stays }
                ? new ReadLoad(handler.Current.Http, ReadLoad.Nightly(itemIds, _today, stays), scenario.ReadRate, time)
                : null;
            var result = await WarmThenMeasureAsync(phase => new BrokerTarget(phase, publisher, handler, time),
                "service", scenario, itemIds, bookingPrefix,
                forCeiling: false, new TapPlan(broker, RoutingKeys.BookingCreated, "svc"), reads, ct);
            var checks = result.Complete
                ? await CheckAsync(database, scenario, result, bookingPrefix, ct)
                : Invariants.NotQuiescent(result.Failure ?? $"only {result.Completed} of {result.Bookings} bookings had an outcome");
            return (result, checks, databaseSettings);
        }
        finally
        {
            await handler.Current.DisposeAsync();
        }
    }

    /// <summary>
    /// A short phase first, not measured (the JIT, connection pools and caches of a fresh process would otherwise
    /// land in the first second of the measurement and in its p99), then the measured phase on a fresh target.
    /// A drain measures the cold start on purpose: no warm-up. The tap is started before the warm-up, so that its own
    /// JIT is done by the measured phase (it counts only the measured phase's bookings, by their id prefix).
    /// </summary>
    /// <param name="tap">Where the phase's bookings go on the broker, for the tap; null for the DB ceiling, which uses
    /// no broker.</param>
    /// <param name="reads">Reads of the service next to the bookings (the warm-up's too, for their JIT), or
    /// null.</param>
    private async Task<PhaseResult> WarmThenMeasureAsync(
        Func<string, IBenchTarget> newTarget, string phase, Scenario scenario, IReadOnlyList<string> itemIds, string bookingPrefix, bool forCeiling,
        TapPlan? tap, ReadLoad? reads, CancellationToken ct)
    {
        var (witness, missing) = tap is null ? (null, null) : await StartTapAsync(tap, scenario, bookingPrefix, ct);
        try
        {
            if (options.Warmup > 0 && scenario.Mode != LoadMode.Drain)
            {
                // As fast as the window allows, and nothing left to expire: the warm-up must be over quickly.
                var warm = scenario with { Bookings = options.Warmup, Rate = null };
                var warmPrefix = bookingPrefix.TrimEnd('-') + "w-";
                await WarmAsync(newTarget, phase + " warm-up", warm, itemIds, warmPrefix, witness, reads, ct);
            }

            if (LeadInBookings(scenario) is > 0 and var leadIn)
            {
                // Batches of one or two at a fixed rate run code the full-speed warm-up (batches of hundreds) left at a
                // lower tier: at 1,000/s the service used twice its steady CPU for the first ~4 s, and the p99 of a
                // 5 s run was that transient's queue (p99 516 ms over 24 s; after the first 6 s p99 under 100 ms).
                await WarmAsync(newTarget, phase + " lead-in", scenario with { Bookings = leadIn }, itemIds,
                    bookingPrefix.TrimEnd('-') + "l-", witness, reads, ct);
            }

            await using var target = newTarget(phase);
            var times = Path.Combine(options.OutputDirectory, $"{scenario.Tag}.{phase.Replace(' ', '-')}.times.csv");
            var plan = Plan(scenario, itemIds, bookingPrefix, options.Seed, forCeiling, _today);
            var result = await _phases.RunAsync(target, scenario, plan, itemIds, options.TimeLimit,
                new CpuMeter(() => target.ProcessId, () => witness?.Id), ct, times, reads);
            if (witness is not null)
            {
                try
                {
                    var seen = await witness.StopAsync();
                    var fromFirstOutcome = scenario.Mode == LoadMode.Drain;
                    return result with
                    {
                        CrossCheck = CrossCheck.Evaluate(result, seen, fromFirstOutcome, judgeLatency: !forCeiling),
                    };
                }
                catch (BenchException e)
                {
                    missing = e.Message;
                }
            }

            missing ??= tap is null ? "the DB ceiling sends nothing through the broker for a tap to see" : null;
            return missing is null ? result : result with { CrossCheck = CrossCheck.Missing(result, missing) };
        }
        finally
        {
            if (witness is not null)
            {
                await witness.DisposeAsync();
            }
        }
    }

    /// <summary>An unmeasured phase that must complete, then the quiet wait.</summary>
    private async Task WarmAsync(Func<string, IBenchTarget> newTarget, string phase, Scenario warm,
        IReadOnlyList<string> itemIds, string bookingPrefix, TapProcess? witness, ReadLoad? reads, CancellationToken ct)
    {
        await using var warming = newTarget(phase);
        var plan = Plan(warm, itemIds, bookingPrefix, options.Seed + 1, forCeiling: true, _today);
        var warmed = await _phases.RunAsync(warming, warm, plan, itemIds, options.TimeLimit,
            new CpuMeter(() => warming.ProcessId, () => witness?.Id), ct, reads: reads);
        if (!warmed.Complete)
        {
            throw new BenchException($"{phase} did not complete ({warmed.Completed} of {warmed.Bookings} outcomes" +
                $"{(warmed.Failure is null ? "" : "; " + warmed.Failure)}).");
        }

        if (warming.ProcessId is { } pid)
        {
            await WaitQuietAsync(pid, phase, ct);
        }
    }

    /// <summary>Bookings of the lead-in at the scenario's own rate (offered-rate scenarios only).</summary>
    private int LeadInBookings(Scenario scenario) =>
        scenario is { Mode: LoadMode.Rate, Rate: { } rate } ? (int)Math.Ceiling(rate * options.LeadIn.TotalSeconds) : 0;

    /// <summary>
    /// Waits until the service uses less than <see cref="QuietShare"/> of a core for a second (at most
    /// <see cref="QuietTimeout"/>). After a warm-up the tiered JIT is still compiling (dynamic PGO: an instrumented
    /// tier
    /// first, then the optimized one) in the background; at an offered 100/s right after 3,000 warm-up bookings, 35 %
    /// of the service's CPU samples in the first seconds of the measured phase were the JIT.
    /// </summary>
    private async Task WaitQuietAsync(int pid, string phase, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var first = CpuMeter.ProcessMs(pid);
        var last = first;
        while (time.GetElapsedTime(started) < QuietTimeout)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
            var now = CpuMeter.ProcessMs(pid);
            if (now is null || last is null || now - last < QuietShare * 1000)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {phase}: quiet {time.GetElapsedTime(started).TotalSeconds:0} s after it " +
                    $"({now - first:0} ms of CPU meanwhile, " +
                    $"{now - last:0} ms in the last second)"));
                return;
            }

            last = now;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  {phase}: still busy {QuietTimeout.TotalSeconds:0} s after it; measuring anyway"));
    }

    /// <summary>
    /// The tap for one measured phase, listening before the first booking is sent; or why there is none.
    /// </summary>
    private async Task<(TapProcess? Tap, string? Missing)> StartTapAsync(
        TapPlan plan, Scenario scenario, string bookingPrefix, CancellationToken ct)
    {
        if (options.TapDll is not { } dll)
        {
            return (null, options.NoTapReason ?? "no tap");
        }

        try
        {
            var file = Path.Combine(options.OutputDirectory, $"{scenario.Tag}.{plan.Tag}.tap.json");
            var tap = await TapProcess.StartAsync(dll, plan.Broker, _managementApi, plan.BookingKey, bookingPrefix, file, ct);
            return (tap, null);
        }
        catch (Exception e) when (e is BenchException or System.ComponentModel.Win32Exception)
        {
            return (null, e.Message);
        }
    }

    /// <summary>
    /// What the tap of a phase listens to: the scenario's vhost, and the routing key its bookings are published with.
    /// </summary>
    private sealed record TapPlan(BrokerSettings Broker, string BookingKey, string Tag);

    /// <summary>
    /// Enough for every booking, warm-up included, to take all its units from one item (or one night).
    /// </summary>
    private int Stock(Scenario scenario) =>
        (scenario.Bookings + options.Warmup + LeadInBookings(scenario)) * scenario.QuantityMax;

    /// <summary>A nightly scenario's nights, from the run's date; none for pool items.</summary>
    private (DateOnly First, int Nights)? Calendar(Scenario scenario) =>
        scenario.Stays is { } stays ? (_today, stays.Nights) : null;

    /// <summary>
    /// The DB ceiling's own writes must add up as the service's do (counters equal to the lines, one reservation per
    /// hold), or it did less than the service and its figure means nothing: then it is marked failed.
    /// </summary>
    private static async Task<PhaseResult> CheckCeilingAsync(
        BenchDatabase database, Scenario scenario, PhaseResult ceiling, string bookingPrefix, CancellationToken ct)
    {
        if (!ceiling.Complete)
        {
            return ceiling;
        }

        var checks = await EvaluateAsync(
            database, scenario, CeilingItemPrefix, ceiling, unsentOutbox: null, bookingPrefix, ct);
        var failed = checks.FirstOrDefault(c => !c.Passed);
        return failed is null ? ceiling : ceiling with { Failure = $"its writes do not add up: {failed.Name} ({failed.Detail})" };
    }

    private static async Task<IReadOnlyList<CheckResult>> CheckAsync(
        BenchDatabase database, Scenario scenario, PhaseResult result, string bookingPrefix, CancellationToken ct)
    {
        var unsent = await database.UnsentOutboxAsync(ct);
        var deadline = DateTime.UtcNow + OutboxDrainTimeout;
        while (unsent > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, ct);
            unsent = await database.UnsentOutboxAsync(ct);
        }

        return await EvaluateAsync(database, scenario, ServiceItemPrefix, result, unsent, bookingPrefix, ct);
    }

    /// <summary>
    /// The invariants of a phase's writes: the stock per item for pool items, per night for nightly ones.
    /// </summary>
    private static async Task<IReadOnlyList<CheckResult>> EvaluateAsync(BenchDatabase database, Scenario scenario,
        string itemPrefix, PhaseResult result, int? unsentOutbox, string bookingPrefix, CancellationToken ct)
    {
        var rows = await database.ReservationsAsync(bookingPrefix, ct);
        var outcomes = result.Outcomes;
        return scenario.Stays is null
            ? Invariants.Evaluate(await database.ItemStatesAsync(itemPrefix, ct), outcomes, unsentOutbox, rows)
            : Invariants.EvaluateNights(await database.NightStatesAsync(itemPrefix, ct), outcomes, unsentOutbox, rows);
    }

    private Dictionary<string, string> ServiceEnvironment(Scenario scenario, BenchDatabase database, BrokerSettings broker)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Inventory"] = database.ConnectionString,
            ["RabbitMq__Host"] = broker.Host,
            ["RabbitMq__Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["RabbitMq__VirtualHost"] = broker.VirtualHost,
            ["RabbitMq__UserName"] = broker.UserName,
            ["RabbitMq__Password"] = broker.Password,
            ["RabbitMq__Exchange"] = broker.Exchange,
            // The service refuses to start without a signing key (and, in Production, with the public one of .env);
            // the bench sends no tokens, so a random key of this run does.
            ["Jwt__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["Seed__Enabled"] = "false",
            ["Seq__ServerUrl"] = "",
        };
        if (scenario.Stays is { } stays)
        {
            // The service's booking horizon is the nights the bench seeds: its horizon job has none to add.
            environment["Nightly__HorizonDays"] = stays.Nights.ToString(CultureInfo.InvariantCulture);
        }

        if (scenario.HasPayments)
        {
            // Bookings left to expire omit holdMinutes and take this hold; the sweeper must come by soon after.
            environment["Reservations__DefaultHold"] = ExpiringHold.ToString("c", CultureInfo.InvariantCulture);
            environment["Reservations__SweepInterval"] = SweepInterval.ToString("c", CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in options.ServiceSettings)
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>A nightly scenario's calendar, stays and reads, for its heading; nothing for pool items.</summary>
    private string DescribeStays(Scenario scenario)
    {
        if (scenario.Stays is not { } stays)
        {
            return "";
        }

        var arrivals = stays.HotNight is { } hot
            ? string.Create(CultureInfo.InvariantCulture, $"all covering {_today.AddDays(hot):yyyy-MM-dd}")
            : string.Create(CultureInfo.InvariantCulture, $"arriving in the next {stays.ArrivalDays} days");
        var reads = scenario.ReadRate > 0
            ? string.Create(CultureInfo.InvariantCulture,
                $"; calendar reads and stay searches at {scenario.ReadRate:0.##}/s each")
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"; nightly ({stays.Nights} nights each), stays of 1-{stays.StayNightsMax} nights {arrivals}{reads}");
    }

    private static string Describe(Scenario scenario) => scenario.Mode switch
    {
        LoadMode.Rate => string.Create(CultureInfo.InvariantCulture, $"offered at {scenario.Rate:0.##}/s (window {scenario.Window})"),
        LoadMode.Drain => string.Create(CultureInfo.InvariantCulture, $"queued while the consumer is stopped, then drained ({scenario.Window} confirms in flight)"),
        _ => string.Create(CultureInfo.InvariantCulture, $"as fast as a window of {scenario.Window} bookings in flight allows"),
    };
}
