using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BookingSystem.Cli.Bench;

/// <summary>The tap's latency figures (milliseconds, nearest rank).</summary>
public sealed record TapLatency(int Count, double P50, double P95, double P99, double Max, double Mean);

/// <summary>
/// What RabbitMQ itself counted as routed to the tap's two queues (management API, <c>message_stats.publish</c>).
/// </summary>
public sealed record TapBrokerCounts(long Bookings, long Outcomes);

/// <summary>
/// The result file of the tap (<c>src/BenchTap</c>), the bench's independent witness of a phase: times are
/// milliseconds since it started listening; <see cref="Completed"/> counts the bookings it saw both arrive and
/// answered. Its latency runs from a booking's arrival at the tap to its first outcome's: without the publish leg.
/// </summary>
public sealed record TapResult(
    int Bookings,
    int Completed,
    int OutcomesWithoutBooking,
    int OutcomeBeforeBooking,
    long BookingMessages,
    long OutcomeMessages,
    int WithoutBookingId,
    double? FirstBookingMs,
    double? LastBookingMs,
    double? FirstOutcomeMs,
    double? LastOutcomeMs,
    double Seconds,
    double BookingsPerSecond,
    [property: JsonPropertyName("latencyMs")] TapLatency Latency,
    TapBrokerCounts? BrokerRouted,
    double CpuMs)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <exception cref="JsonException">Not a tap result.</exception>
    public static TapResult Parse(string json) =>
        JsonSerializer.Deserialize<TapResult>(json, Json) ?? throw new JsonException("The tap result is JSON null.");

    /// <summary>
    /// Bookings per second from the first outcome to the last (a drain: its queue filled before the service ran).
    /// </summary>
    public double? RateAfterFirstOutcome =>
        FirstOutcomeMs is { } first && LastOutcomeMs is { } last && last > first
            ? (Completed - 1) / ((last - first) / 1000)
            : null;
}

/// <summary>
/// The bench's figures of one phase against the tap's: bookings/s and p99 must agree within <see cref="Tolerance"/>
/// (p99 within at least <see cref="LatencyFloorMs"/>: below a few milliseconds the publish leg and timer granularity
/// are the difference), and the tap must have seen every booking the bench counted. Phases too small to measure a
/// rate (<see cref="MinimumBookings"/>, <see cref="MinimumSeconds"/>) are shown but not judged. The broker ceiling's
/// latency is not judged (<see cref="LatencyJudged"/>): its echo runs in the bench process, so the bench's own publish,
/// echo and observe are most of that fast round trip; the tap's p99 is that ceiling's latency.
/// </summary>
public sealed record CrossCheck(
    string Phase,
    string Verdict,
    double BenchRate,
    double TapRate,
    double BenchP99,
    double TapP99,
    int BenchCompleted,
    TapResult? Tap,
    string? Problem,
    bool LatencyJudged = true)
{
    public const double Tolerance = 0.20;
    public const double LatencyFloorMs = 1.0;
    public const int MinimumBookings = 1_000;
    public const double MinimumSeconds = 1.0;

    public const string Pass = "PASS";
    public const string Fail = "FAIL";
    public const string NotJudged = "not judged";
    public const string NotRun = "not run";

    public bool Failed => Verdict == Fail;

    /// <param name="fromFirstOutcome">
    /// A drain: its bookings were queued before the service started, so both rates are taken from the first outcome
    /// to the last (the bench's own figure counts the start-up, which the tap cannot see).
    /// </param>
    /// <param name="judgeLatency">False for the broker ceiling (see the class).</param>
    public static CrossCheck Evaluate(PhaseResult bench, TapResult tap, bool fromFirstOutcome, bool judgeLatency = true)
    {
        var benchRate = fromFirstOutcome ? bench.RateAfterFirstOutcome ?? 0 : bench.BookingsPerSecond;
        var tapRate = fromFirstOutcome ? tap.RateAfterFirstOutcome ?? 0 : tap.BookingsPerSecond;
        var problems = new List<string>();
        if (tap.Completed < bench.Completed)
        {
            problems.Add($"the tap saw {tap.Completed} of the {bench.Completed} answered bookings");
        }

        if (!Within(benchRate, tapRate, Tolerance * tapRate))
        {
            problems.Add($"bookings/s differ by {Signed(Difference(benchRate, tapRate))}");
        }

        if (judgeLatency && !Within(bench.Latency.P99, tap.Latency.P99, Math.Max(Tolerance * tap.Latency.P99, LatencyFloorMs)))
        {
            problems.Add($"p99 differs by {Signed(Difference(bench.Latency.P99, tap.Latency.P99))}");
        }

        var judged = bench.Completed >= MinimumBookings && bench.Seconds >= MinimumSeconds;
        var verdict = !judged ? NotJudged : problems.Count == 0 ? Pass : Fail;
        var problem = problems.Count == 0 ? null : string.Join("; ", problems);
        if (!judged)
        {
            problem = string.Create(CultureInfo.InvariantCulture,
                $"{bench.Completed} bookings in {bench.Seconds:0.00} s: too few to judge a rate " +
                $"(at least {MinimumBookings:N0} and {MinimumSeconds:0} s)");
        }

        return new CrossCheck(bench.Phase, verdict, benchRate, tapRate, bench.Latency.P99, tap.Latency.P99,
            bench.Completed, tap, problem, judgeLatency);
    }

    /// <summary>
    /// No tap for this phase (not built, or it failed): said so next to the figures, which are then unconfirmed.
    /// </summary>
    public static CrossCheck Missing(PhaseResult bench, string reason) =>
        new(bench.Phase, NotRun, bench.BookingsPerSecond, 0, bench.Latency.P99, 0, bench.Completed, null, reason);

    /// <summary>One line for the console and the docs.</summary>
    public string Describe()
    {
        if (Tap is null)
        {
            return $"{Verdict}: {Problem}";
        }

        var broker = Tap.BrokerRouted is { } routed
            ? string.Create(CultureInfo.InvariantCulture,
                $"; since it started (warm-up included) it received {Tap.BookingMessages:N0} bookings and " +
                $"{Tap.OutcomeMessages:N0} outcomes, " +
                $"RabbitMQ says it routed {routed.Bookings:N0} and {routed.Outcomes:N0} to it")
            : "";
        var latency = LatencyJudged ? "" : ", not judged: read this ceiling's latency from the tap";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Verdict} bookings/s {BenchRate:0.0} vs tap {TapRate:0.0} ({Signed(Difference(BenchRate, TapRate))}), " +
            $"p99 {BenchP99:0.0} vs tap {TapP99:0.0} ms ({Signed(Difference(BenchP99, TapP99))}{latency}); " +
            $"tap p50 {Tap.Latency.P50:0.0} ms, saw {Tap.Completed:N0} of {BenchCompleted:N0}{broker}") +
            (Problem is null ? "" : " — " + Problem);
    }

    private static bool Within(double value, double reference, double allowed) =>
        Math.Abs(value - reference) <= allowed;

    private static double Difference(double value, double reference) =>
        reference == 0 ? 0 : (value - reference) / reference;

    /// <summary>A share as a signed percentage, "+0.0%" for anything that rounds to zero (not "-0.0%").</summary>
    private static string Signed(double fraction) =>
        Math.Round(fraction * 100, 1).ToString("+0.0;-0.0;+0.0", CultureInfo.InvariantCulture) + "%";
}
