using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace BookingSystem.BenchTap;

/// <summary>
/// Latency percentiles of the tap, in milliseconds (nearest rank: p99 of 1,000 samples is the 990th smallest).
/// </summary>
public sealed record TapLatency(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    public static TapLatency Of(double[] milliseconds)
    {
        if (milliseconds.Length == 0)
        {
            return new TapLatency(0, 0, 0, 0, 0, 0);
        }

        var sorted = (double[])milliseconds.Clone();
        Array.Sort(sorted);
        return new TapLatency(sorted.Length, Rank(sorted, 50), Rank(sorted, 95), Rank(sorted, 99), sorted[^1],
            sorted.Average());
    }

    private static double Rank(double[] sorted, double percent)
    {
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// What the tap saw, reduced to figures. Times are milliseconds since the tap started listening.
/// <see cref="Completed"/> counts the bookings seen both as a BookingCreated and with an outcome.
/// </summary>
public sealed record TapSummary(
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
    TapLatency Latency);

/// <summary>
/// Per booking id: when its BookingCreated and its first outcome reached the tap. Only the first of each counts
/// (a redelivered copy or the later outcomes of a paid booking do not move the times). Thread-safe: the two
/// consumers record from their own connections' threads.
/// </summary>
public sealed class Arrivals(string? bookingPrefix, long origin)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Times> _byBooking = new(StringComparer.Ordinal);
    private long _bookingMessages;
    private long _outcomeMessages;
    private int _withoutBookingId;

    public void Booking(ReadOnlySpan<byte> body, long at) => Record(body, at, booking: true);

    public void Outcome(ReadOnlySpan<byte> body, long at) => Record(body, at, booking: false);

    public TapSummary Summarize()
    {
        lock (_gate)
        {
            var latencies = new List<double>(_byBooking.Count);
            long? firstBooking = null, lastBooking = null, firstOutcome = null, lastOutcome = null;
            int bookings = 0, withoutBooking = 0, early = 0;
            foreach (var times in _byBooking.Values)
            {
                if (times.Booking is { } sent)
                {
                    bookings++;
                    firstBooking = Math.Min(firstBooking ?? sent, sent);
                    lastBooking = Math.Max(lastBooking ?? sent, sent);
                }

                if (times.Outcome is not { } outcome)
                {
                    continue;
                }

                if (times.Booking is not { } booked)
                {
                    withoutBooking++;
                    continue;
                }

                firstOutcome = Math.Min(firstOutcome ?? outcome, outcome);
                lastOutcome = Math.Max(lastOutcome ?? outcome, outcome);
                // Both arrive on this machine's monotonic clock; an outcome "before" its booking only means the
                // booking consumer lagged: counted, and its latency taken as zero rather than negative.
                early += outcome < booked ? 1 : 0;
                latencies.Add(Math.Max(0, Ms(outcome - booked)));
            }

            var seconds = firstBooking is { } first && lastOutcome is { } last
                ? Math.Max(0, Ms(last - first) / 1000)
                : 0;
            return new TapSummary(bookings, latencies.Count, withoutBooking, early, _bookingMessages, _outcomeMessages,
                _withoutBookingId,
                Since(firstBooking), Since(lastBooking), Since(firstOutcome), Since(lastOutcome), seconds,
                seconds > 0 ? latencies.Count / seconds : 0, TapLatency.Of([.. latencies]));
        }
    }

    private void Record(ReadOnlySpan<byte> body, long at, bool booking)
    {
        var bookingId = BookingIdReader.Read(body);
        lock (_gate)
        {
            if (booking)
            {
                _bookingMessages++;
            }
            else
            {
                _outcomeMessages++;
            }

            if (bookingId is null)
            {
                _withoutBookingId++;
                return;
            }

            if (bookingPrefix is not null && !bookingId.StartsWith(bookingPrefix, StringComparison.Ordinal))
            {
                return;
            }

            ref var times = ref CollectionsMarshal.GetValueRefOrAddDefault(_byBooking, bookingId, out _);
            if (booking)
            {
                times.Booking ??= at;
            }
            else
            {
                times.Outcome ??= at;
            }
        }
    }

    /// <summary>
    /// One line per booking: its id and its two arrival times in milliseconds of the machine's monotonic clock (as
    /// the bench writes its own, so the two files line up); empty if none.
    /// </summary>
    public void WriteTimes(TextWriter csv)
    {
        lock (_gate)
        {
            csv.WriteLine("bookingId,bookingMs,outcomeMs");
            foreach (var (bookingId, times) in _byBooking)
            {
                var booked = Since(times.Booking) + Ms(origin);
                var answered = Since(times.Outcome) + Ms(origin);
                csv.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{bookingId},{booked:0.000},{answered:0.000}"));
            }
        }
    }

    private double? Since(long? timestamp) => timestamp is { } t ? Ms(t - origin) : null;

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private struct Times
    {
        public long? Booking;
        public long? Outcome;
    }
}
