using System.Globalization;

namespace BookingSystem.Cli.Bench;

/// <summary>One kind of read the bench drives next to the bookings, and the p99 it is judged against.</summary>
/// <param name="What">What one read asks for, for the report.</param>
/// <param name="Path">The <c>n</c>-th read's request, relative to the service.</param>
public sealed record ReadKind(string Name, string What, double TargetP99Ms, Func<int, string> Path);

/// <summary>What one kind of read measured over a phase: its latency (milliseconds) and its failures.</summary>
public sealed record ReadResult(
    string Name, string What, double TargetP99Ms, double Rate, int Requests, int Failed, string? FirstFailure,
    LatencyStats Latency)
{
    public bool TargetMet => Requests > 0 && Failed == 0 && Latency.P99 <= TargetP99Ms;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Name} ({What}) at {Rate:0.##}/s: {Requests:N0} requests, p50 {Latency.P50:0.0}, p95 {Latency.P95:0.0}, " +
        $"p99 {Latency.P99:0.0}, max {Latency.Max:0.0} ms (target p99 <= {TargetP99Ms:0} ms: " +
        $"{(TargetMet ? "met" : "not met")}); failed {Failed}") + (FirstFailure is null ? "" : $", first: {FirstFailure}");
}

/// <summary>
/// HTTP reads of the service at a steady rate next to a phase's bookings, open loop: per kind one GET every
/// 1/<c>rate</c> seconds, whatever the answers take (never more: reads missed while the bench was held up are
/// skipped, not sent in a burst). A read's latency runs from its send until its whole body is in; one that fails
/// (not 200, or no answer within the client's timeout) is counted, not measured.
/// </summary>
public sealed class ReadLoad(HttpClient http, IReadOnlyList<ReadKind> kinds, double rate, TimeProvider time)
{
    public const double CalendarTargetP99Ms = 20;
    public const double SearchTargetP99Ms = 50;
    public const int SearchStayNights = 3;

    /// <summary>
    /// A nightly scenario's reads: the calendar of all <see cref="StayShape.Nights"/> nights of one item (the items in
    /// turn), and the search for the items that can take a 3-night stay of one unit (arrivals in turn over the
    /// scenario's arrival days).
    /// </summary>
    public static IReadOnlyList<ReadKind> Nightly(IReadOnlyList<string> itemIds, DateOnly today, StayShape stays) =>
    [
        new("calendar", Text($"{stays.Nights} nights of one item"), CalendarTargetP99Ms, n =>
            Text($"api/inventory/{itemIds[n % itemIds.Count]}/calendar?from={today:O}&to={today.AddDays(stays.Nights):O}")),
        new("search", Text($"a {SearchStayNights}-night stay over the {itemIds.Count} items"), SearchTargetP99Ms, n =>
        {
            var checkIn = today.AddDays(1 + (n % stays.ArrivalDays));
            return Text(
                $"api/inventory/availability?checkIn={checkIn:O}&checkOut={checkIn.AddDays(SearchStayNights):O}&quantity=1");
        }),
    ];

    /// <summary>Reads until <paramref name="ct"/> is cancelled, then waits for the reads in flight.</summary>
    public async Task<IReadOnlyList<ReadResult>> RunAsync(CancellationToken ct) =>
        await Task.WhenAll(kinds.Select(kind => RunAsync(kind, ct)));

    private async Task<ReadResult> RunAsync(ReadKind kind, CancellationToken ct)
    {
        var tally = new Tally();
        var reads = new List<Task>();
        var started = time.GetTimestamp();
        try
        {
            for (var n = 0; !ct.IsCancellationRequested; n++)
            {
                var elapsed = time.GetElapsedTime(started);
                var early = TimeSpan.FromSeconds(n / rate) - elapsed;
                if (early > TimeSpan.Zero)
                {
                    await Task.Delay(early, time, ct);
                }
                else
                {
                    // Behind (the bench was paused): skip the reads it missed rather than send them in a burst.
                    n = Math.Max(n, (int)(elapsed.TotalSeconds * rate));
                }

                reads.Add(ReadAsync(kind.Path(n), tally));
            }
        }
        catch (OperationCanceledException)
        {
            // The phase is over.
        }

        await Task.WhenAll(reads);
        return tally.Result(kind, rate);
    }

    /// <summary>One read; not cancelled with the phase (the client's timeout bounds it).</summary>
    private async Task ReadAsync(string path, Tally tally)
    {
        var sent = time.GetTimestamp();
        try
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), CancellationToken.None);
            var ms = time.GetElapsedTime(sent).TotalMilliseconds;
            if (response.IsSuccessStatusCode)
            {
                tally.Add(ms);
            }
            else
            {
                tally.Fail(Text($"{(int)response.StatusCode} {response.ReasonPhrase} for {path}"));
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            tally.Fail($"{e.Message} ({path})");
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class Tally
    {
        private readonly Lock _gate = new();
        private readonly List<double> _ms = [];
        private int _failed;
        private string? _firstFailure;

        public void Add(double ms)
        {
            lock (_gate)
            {
                _ms.Add(ms);
            }
        }

        public void Fail(string why)
        {
            lock (_gate)
            {
                _failed++;
                _firstFailure ??= why;
            }
        }

        public ReadResult Result(ReadKind kind, double rate)
        {
            lock (_gate)
            {
                return new ReadResult(kind.Name, kind.What, kind.TargetP99Ms, rate, _ms.Count + _failed, _failed,
                    _firstFailure, LatencyStats.From(_ms));
            }
        }
    }
}
