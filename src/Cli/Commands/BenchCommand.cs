using System.CommandLine;
using BookingSystem.Cli.Bench;
using BookingSystem.Cli.Messaging;
using static BookingSystem.Cli.Commands.OptionRules;

namespace BookingSystem.Cli.Commands;

/// <summary>
/// <c>booking bench &lt;scenario|all&gt; ...</c>: measures the InventoryService (one process the bench starts, on a
/// database and a virtual host of its own) and the broker and database ceilings with the same load; prints a table,
/// writes JSON, optionally appends to docs/benchmarks.md. Exit code 0 only if every scenario ran to the end and
/// passed its invariant checks. See <see cref="BenchRunner"/> and docs/benchmarks.md.
/// </summary>
public static class BenchCommand
{
    public const int MaxBookings = 1_000_000;

    public static Command Create()
    {
        var scenario = new Argument<string>("scenario")
        {
            Description = "spread (10,000 items), hot (one item), mixed (multi-item, payments, expiries), drain (queued while the service is stopped), " +
                "stays (200 nightly items of 365 nights, stays of 1-7 nights, " +
                "calendar reads and stay searches alongside), " +
                "hot-night (one nightly item, every stay covering the same night), " +
                "or all (the first four, plus spread offered at 1,000/s and 100/s).",
        };
        scenario.AcceptOnlyFromAmong([.. ScenarioCatalog.Names]);
        var size = new Option<BenchSize>("--size")
        {
            Description = "Preset sizes: quick (thousands of bookings, minutes) or full (30,000; mixed 10,000; drain 100,000; rate runs 30 s).",
            DefaultValueFactory = _ => BenchSize.Quick,
        };
        var bookings = Ranged(new Option<int>("--bookings", "-n") { Description = "Bookings per scenario (default: the scenario's, for --size)." }, 1, MaxBookings);
        var items = Ranged(new Option<int>("--items") { Description = "Items the bookings spread over (default: the scenario's)." }, 1, 100_000);
        var rate = new Option<double?>("--rate") { Description = "Offer bookings at this many per second instead of as fast as the window allows." };
        rate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } r and (<= 0 or > 100_000 or double.NaN))
            {
                result.AddError("--rate must be between 0 and 100000 bookings per second.");
            }
        });
        var window = Ranged(new Option<int>("--window")
        {
            Description = "Bookings in flight at most: sent, outcome not yet back (for drain: publishes awaiting their confirm).",
            DefaultValueFactory = _ => ScenarioCatalog.DefaultWindow,
        }, 1, 20_000);
        var failureRate = Rate(new Option<double>("--payment-failure-rate")
        {
            Description = "mixed: share of bookings whose payment fails.", DefaultValueFactory = _ => ScenarioCatalog.DefaultPaymentFailureRate,
        });
        var expireRate = Rate(new Option<double>("--expire-rate")
        {
            Description = "mixed: share of bookings never paid and left to expire (3 s hold).", DefaultValueFactory = _ => ScenarioCatalog.DefaultExpireRate,
        });
        var readRate = new Option<double>("--read-rate")
        {
            Description = "stays: calendar reads and stay searches per second each, next to the bookings (0: none).",
            DefaultValueFactory = _ => ScenarioCatalog.DefaultReadRate,
        };
        readRate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is < 0 or > 1_000 or double.NaN)
            {
                result.AddError("--read-rate must be between 0 and 1000 reads per second.");
            }
        });
        var timeLimit = Ranged(new Option<int>("--time-limit") { Description = "Seconds each phase may take before it is cut off (default 120; full: 900)." }, 5, 86_400);
        var noCeilings = new Option<bool>("--no-ceilings") { Description = "Measure the service only." };
        var dbBatch = Ranged(new Option<int>("--db-batch") { Description = "DB ceiling: bookings per transaction at most (default 500, the service's RabbitMq:BatchSize).", DefaultValueFactory = _ => 500 }, 1, 1_000);
        var dbConnections = Ranged(new Option<int>("--db-connections") { Description = "DB ceiling: concurrent connections.", DefaultValueFactory = _ => 8 }, 1, 64);
        var echoPrefetch = Ranged(new Option<int>("--echo-prefetch") { Description = "Broker ceiling: the echo consumer's prefetch.", DefaultValueFactory = _ => 1_000 }, 1, 10_000);
        var echoConcurrency = Ranged(new Option<int>("--echo-concurrency") { Description = "Broker ceiling: messages the echo handles at once.", DefaultValueFactory = _ => 64 }, 1, 1_000);
        var serviceDll = new Option<FileInfo>("--service-dll")
        {
            Description = "The InventoryService to run (default: src/InventoryService/bin/Release/net10.0/BookingSystem.InventoryService.dll).",
        };
        var serviceSetting = new Option<string[]>("--service-setting")
        {
            Description = "KEY=VALUE configuration for the service (e.g. RabbitMq__Prefetch=500); repeatable.",
            HelpName = "KEY=VALUE",
        };
        serviceSetting.Validators.Add(result =>
        {
            foreach (var setting in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (setting.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    result.AddError($"--service-setting '{setting}' is not KEY=VALUE.");
                }
            }
        });
        var synchronousCommit = new Option<string>("--synchronous-commit")
        {
            Description = "synchronous_commit of the bench databases (set per database; fsync is the server's and is reported).",
            DefaultValueFactory = _ => "on",
        };
        synchronousCommit.AcceptOnlyFromAmong("on", "off", "local", "remote_write", "remote_apply");
        var json = new Option<FileInfo>("--json") { Description = "Where to write the JSON (default: .local/bench/<run>/results.json)." };
        var appendDocs = new Option<bool>("--append-docs") { Description = "Append the run's section to docs/benchmarks.md (or --docs)." };
        var docs = new Option<FileInfo>("--docs") { Description = "The markdown file --append-docs appends to." };
        var label = new Option<string>("--label") { Description = "Heading of the docs section, e.g. \"before: one transaction per booking\"." };
        var seed = new Option<int>("--seed") { Description = "Seed of the booking plans.", DefaultValueFactory = _ => 1 };
        var warmup = Ranged(new Option<int>("--warmup")
        {
            Description = "Bookings of an unmeasured phase before each measured one (JIT with dynamic PGO settles after about 10,000; pools); not for drain.", DefaultValueFactory = _ => 10_000,
        }, 0, 100_000);
        var leadIn = Ranged(new Option<int>("--lead-in")
        {
            Description = "Seconds at the offered rate, unmeasured, after the warm-up of a --rate phase " +
                "(the JIT settles on its code paths).",
            DefaultValueFactory = _ => 10,
        }, 0, 600);
        var keep = new Option<bool>("--keep") { Description = "Keep each scenario's database and virtual host afterwards." };
        var tapDll = new Option<FileInfo>("--tap-dll")
        {
            Description = "The tap that cross-checks each phase from outside the bench " +
                "(default: src/BenchTap/bin/Release/net10.0/booking-tap.dll).",
        };
        var noTap = new Option<bool>("--no-tap")
        {
            Description = "Run without the cross-check (the figures are then unconfirmed).",
        };

        var command = new Command("bench",
            "Benchmark the InventoryService: start one service process on a database and vhost of its own, publish BookingCreated " +
            "(as fast as a window allows, at a fixed rate, or queued and drained), wait for every outcome, report bookings/s, latency " +
            "percentiles, outcome counts, peak working set and invariant checks, next to a broker ceiling and a database ceiling measured " +
            "with the same load. See docs/benchmarks.md.")
        {
            scenario, size, bookings, items, rate, window, failureRate, expireRate, readRate, timeLimit, noCeilings, dbBatch, dbConnections, echoPrefetch,
            echoConcurrency, serviceDll, serviceSetting, synchronousCommit, json, appendDocs, docs, label, seed, warmup, leadIn, keep,
            tapDll, noTap,
        };
        command.SetAction((parse, ct) => CommandFailures.RunAsync(parse, async (output, error) =>
        {
            BenchRunner.QuietThreadPool();
            var settings = DevelopmentSettings.Load();
            var root = settings.DotEnvPath is { } dotEnv ? Path.GetDirectoryName(dotEnv)! : Directory.GetCurrentDirectory();
            IReadOnlyList<Scenario> scenarios;
            try
            {
                scenarios = ScenarioCatalog.Resolve(new ScenarioRequest(parse.GetRequiredValue(scenario), parse.GetValue(size),
                    parse.GetResult(bookings) is null ? null : parse.GetValue(bookings),
                    parse.GetResult(items) is null ? null : parse.GetValue(items),
                    parse.GetValue(rate), parse.GetValue(window), parse.GetValue(failureRate), parse.GetValue(expireRate),
                    parse.GetValue(readRate)));
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync(e.Message);
                return CommandFailures.Failed;
            }

            var dll = parse.GetValue(serviceDll)?.FullName
                ?? Path.Combine(root, "src", "InventoryService", "bin", "Release", "net10.0", "BookingSystem.InventoryService.dll");
            if (!File.Exists(dll))
            {
                await error.WriteLineAsync($"The InventoryService is not built at {dll}: run `dotnet build BookingSystem.sln -c Release` first, or pass --service-dll.");
                return CommandFailures.Failed;
            }

            var tap = parse.GetValue(tapDll)?.FullName
                ?? Path.Combine(root, "src", "BenchTap", "bin", "Release", "net10.0", "booking-tap.dll");
            var noTapReason = parse.GetValue(noTap) ? "--no-tap"
                : File.Exists(tap) ? null
                : $"the tap is not built at {tap} (dotnet build BookingSystem.sln -c Release, or --tap-dll)";
            var full = parse.GetValue(size) == BenchSize.Full;
            var options = new BenchOptions
            {
                Scenarios = scenarios,
                ServiceDll = dll,
                OutputDirectory = Path.Combine(root, ".local", "bench", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture)),
                Command = "booking " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Select(Quote)),
                TimeLimit = TimeSpan.FromSeconds(parse.GetResult(timeLimit) is null ? (full ? 900 : 120) : parse.GetValue(timeLimit)),
                Ceilings = !parse.GetValue(noCeilings),
                DbBatch = parse.GetValue(dbBatch),
                DbConnections = parse.GetValue(dbConnections),
                EchoPrefetch = parse.GetValue(echoPrefetch),
                EchoConcurrency = parse.GetValue(echoConcurrency),
                ServiceSettings = (parse.GetValue(serviceSetting) ?? []).Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal),
                SynchronousCommit = parse.GetValue(synchronousCommit)!,
                Seed = parse.GetValue(seed),
                JsonPath = parse.GetValue(json)?.FullName,
                DocsPath = parse.GetValue(appendDocs) ? parse.GetValue(docs)?.FullName ?? Path.Combine(root, "docs", "benchmarks.md") : null,
                Label = parse.GetValue(label),
                Warmup = parse.GetValue(warmup),
                LeadIn = TimeSpan.FromSeconds(parse.GetValue(leadIn)),
                Keep = parse.GetValue(keep),
                TapDll = noTapReason is null ? tap : null,
                NoTapReason = noTapReason,
            };
            var report = await new BenchRunner(options, settings, output, TimeProvider.System).RunAsync(ct);
            return report.Passed ? 0 : CommandFailures.Failed;
        }));
        return command;
    }

    /// <summary>The argument as a shell would need it, so the recorded command can be pasted back.</summary>
    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '=' or ':' or '@' or ',')
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
