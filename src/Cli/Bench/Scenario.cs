using System.Globalization;

namespace BookingSystem.Cli.Bench;

/// <summary>How a phase offers its bookings.</summary>
public enum LoadMode
{
    /// <summary>As fast as possible with at most <see cref="Scenario.Window"/> bookings waiting for their outcome (closed loop).</summary>
    Window,

    /// <summary>At <see cref="Scenario.Rate"/> bookings per second, whatever comes back (open loop; the window is only a safety bound).</summary>
    Rate,

    /// <summary>Everything queued first while nothing consumes, then the consumer is started and drains the queue.</summary>
    Drain,
}

/// <summary>Preset sizes: <see cref="Quick"/> ends in minutes on a laptop, <see cref="Full"/> is what the targets are judged on.</summary>
public enum BenchSize
{
    Quick,
    Full,
}

/// <summary>
/// The calendar and the stays of a scenario over nightly items: each item has <see cref="Nights"/> nights from today
/// (UTC), each booking one stay of 1 to <see cref="StayNightsMax"/> nights for all its lines, arriving 1 to
/// <see cref="ArrivalDays"/> days from today (not today: a run that passes midnight would send stays that have
/// begun); or, with <see cref="HotNight"/>, every stay covers the night that many days from today.
/// </summary>
public sealed record StayShape(int Nights, int StayNightsMax, int ArrivalDays, int? HotNight = null)
{
    /// <summary>One booking's stay, <c>[CheckIn, CheckOut)</c>, drawn from <paramref name="random"/>.</summary>
    public (DateOnly CheckIn, DateOnly CheckOut) Draw(DateOnly today, Random random)
    {
        var nights = random.Next(1, StayNightsMax + 1);
        var checkIn = HotNight is { } hot
            ? today.AddDays(hot - random.Next(nights))
            : today.AddDays(random.Next(1, ArrivalDays + 1));
        return (checkIn, checkIn.AddDays(nights));
    }
}

/// <summary>
/// What a scenario's service phase is judged against: reported next to the figures, not failed on (the checks are
/// what fails a run).
/// </summary>
/// <param name="ShareOfDbCeiling">The service's bookings/s as a share of the DB ceiling's, at least.</param>
public sealed record ScenarioTargets(double BookingsPerSecond, double? ShareOfDbCeiling = null)
{
    /// <param name="vsDatabase">The service's share of the DB ceiling; null when no ceiling was measured.</param>
    public string Describe(double bookingsPerSecond, double? vsDatabase)
    {
        var met = Met(bookingsPerSecond >= BookingsPerSecond);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"bookings/s {bookingsPerSecond:0.0} >= {BookingsPerSecond:N0}: {met}");
        return ShareOfDbCeiling is not { } share ? text
            : vsDatabase is not { } measured ? text + string.Create(CultureInfo.InvariantCulture,
                $"; vs DB ceiling >= {share:0.00}: not measured (no DB ceiling)")
            : text + string.Create(CultureInfo.InvariantCulture,
                $"; vs DB ceiling {measured:0.00} >= {share:0.00}: {Met(measured >= share)}");
    }

    private static string Met(bool met) => met ? "met" : "not met";
}

/// <summary>
/// One measured workload: how many bookings over how many items, the shape of a booking, and how it is offered.
/// Stock is always ample (the bench seeds enough for every booking to take all its units from one item, or one
/// night), so every booking can be reserved and the outcome counts are predictable; what is measured is the work,
/// not the refusals.
/// </summary>
/// <param name="Stays">Null for pool items; the nightly items' calendar and stays otherwise.</param>
/// <param name="ReadRate">Calendar reads and stay searches per second each, alongside the service's bookings.</param>
public sealed record Scenario(
    string Name,
    string Kind,
    int Bookings,
    int Items,
    int LinesMax,
    int QuantityMax,
    double PaymentFailureRate,
    double ExpireRate,
    double? Rate,
    int Window,
    StayShape? Stays = null,
    double ReadRate = 0,
    ScenarioTargets? Targets = null)
{
    public LoadMode Mode => Kind == ScenarioCatalog.Drain ? LoadMode.Drain : Rate is null ? LoadMode.Window : LoadMode.Rate;

    /// <summary>Bookings are paid (or fail to pay), and some are left to expire: the payment consumers and the sweeper work too.</summary>
    public bool HasPayments => Kind == ScenarioCatalog.Mixed;

    /// <summary>Lower-case letters, digits and <c>_</c>: usable in a database, vhost and booking id.</summary>
    public string Tag => (Rate is { } rate ? string.Create(CultureInfo.InvariantCulture, $"{Kind}_r{rate:0.##}") : Kind)
        .Replace('.', '_').Replace('-', '_');
}

/// <summary>What the command line says about the scenarios; null means the scenario's default.</summary>
public sealed record ScenarioRequest(
    string Name,
    BenchSize Size = BenchSize.Quick,
    int? Bookings = null,
    int? Items = null,
    double? Rate = null,
    int Window = ScenarioCatalog.DefaultWindow,
    double PaymentFailureRate = ScenarioCatalog.DefaultPaymentFailureRate,
    double ExpireRate = ScenarioCatalog.DefaultExpireRate,
    double ReadRate = ScenarioCatalog.DefaultReadRate);

/// <summary>
/// The scenarios of issue 9 (pool items) and of the nightly inventory (<see cref="Stays"/>, <see cref="HotNight"/>)
/// with their default sizes, and what <c>all</c> runs.
/// </summary>
public static class ScenarioCatalog
{
    public const string Spread = "spread";
    public const string Hot = "hot";
    public const string Mixed = "mixed";
    public const string Drain = "drain";
    public const string Stays = "stays";
    public const string HotNight = "hot-night";
    public const string All = "all";

    public const int DefaultWindow = 2_000;
    public const double DefaultPaymentFailureRate = 0.1;
    public const double DefaultExpireRate = 0.05;

    /// <summary>
    /// A steady, modest read load next to the bookings of <see cref="Stays"/>: per second, of each kind.
    /// </summary>
    public const double DefaultReadRate = 10;

    /// <summary>The offered rates <c>all</c> measures latency at, over the spread mix (the targets' "offered 1,000/s" and "100/s").</summary>
    public static readonly IReadOnlyList<double> LatencyRates = [1_000, 100];

    public static IReadOnlyList<string> Names { get; } = [Spread, Hot, Mixed, Drain, Stays, HotNight, All];

    /// <summary>A year of nights per item; stays of up to a week arriving within six months.</summary>
    private static readonly StayShape YearOfNights = new(Nights: 365, StayNightsMax: 7, ArrivalDays: 180);

    private static readonly Dictionary<string, Shape> Shapes = new(StringComparer.Ordinal)
    {
        [Spread] = new(QuickBookings: 2_000, FullBookings: 30_000, Items: 10_000, LinesMax: 1, QuantityMax: 1),
        [Hot] = new(QuickBookings: 2_000, FullBookings: 30_000, Items: 1, LinesMax: 1, QuantityMax: 1),
        [Mixed] = new(QuickBookings: 1_000, FullBookings: 10_000, Items: 1_000, LinesMax: 3, QuantityMax: 2),
        [Drain] = new(QuickBookings: 5_000, FullBookings: 100_000, Items: 10_000, LinesMax: 1, QuantityMax: 1),
        [Stays] = new(QuickBookings: 2_000, FullBookings: 30_000, Items: 200, LinesMax: 2, QuantityMax: 1,
            YearOfNights, Reads: true, new ScenarioTargets(BookingsPerSecond: 2_000, ShareOfDbCeiling: 0.5)),
        [HotNight] = new(QuickBookings: 2_000, FullBookings: 30_000, Items: 1, LinesMax: 1, QuantityMax: 1,
            YearOfNights with { HotNight = 30 }, Reads: false, new ScenarioTargets(BookingsPerSecond: 2_000)),
    };

    /// <summary>The scenarios a request names: one, or for <c>all</c> the four plus the spread mix at each latency rate.</summary>
    /// <exception cref="ArgumentException">An unknown name, or a rate for the drain (which offers everything at once) or for <c>all</c>.</exception>
    public static IReadOnlyList<Scenario> Resolve(ScenarioRequest request)
    {
        if (request.Name == All)
        {
            if (request.Rate is not null)
            {
                throw new ArgumentException("--rate applies to one scenario; 'all' already measures the spread mix at " +
                    string.Join(" and ", LatencyRates.Select(r => r.ToString("0", CultureInfo.InvariantCulture) + "/s")) + ".");
            }

            return [.. new[] { Spread, Hot, Mixed, Drain }.Select(kind => Build(request, kind, rate: null)),
                .. LatencyRates.Select(rate => Build(request, Spread, rate))];
        }

        if (!Shapes.ContainsKey(request.Name))
        {
            throw new ArgumentException($"Unknown scenario '{request.Name}'; one of {string.Join(", ", Names)}.");
        }

        if (request.Name == Drain && request.Rate is not null)
        {
            throw new ArgumentException("The drain scenario queues everything before the service starts: --rate does not apply.");
        }

        return [Build(request, request.Name, request.Rate)];
    }

    /// <summary>How long an offered-rate run lasts by default: its bookings are the rate times this.</summary>
    public static TimeSpan RateDuration(BenchSize size) => size == BenchSize.Full ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(5);

    private static Scenario Build(ScenarioRequest request, string kind, double? rate)
    {
        var shape = Shapes[kind];
        var bookings = request.Bookings
            ?? (rate is { } r ? (int)Math.Ceiling(r * RateDuration(request.Size).TotalSeconds)
                : request.Size == BenchSize.Full ? shape.FullBookings : shape.QuickBookings);
        var name = rate is { } offered ? string.Create(CultureInfo.InvariantCulture, $"{kind}@{offered:0.##}/s") : kind;
        var payments = kind == Mixed;
        return new Scenario(name, kind, bookings, request.Items ?? shape.Items, shape.LinesMax, shape.QuantityMax,
            payments ? request.PaymentFailureRate : 0, payments ? request.ExpireRate : 0, rate, request.Window,
            shape.Stays, shape.Reads ? request.ReadRate : 0, shape.Targets);
    }

    private sealed record Shape(
        int QuickBookings, int FullBookings, int Items, int LinesMax, int QuantityMax, StayShape? Stays = null,
        bool Reads = false, ScenarioTargets? Targets = null);
}
