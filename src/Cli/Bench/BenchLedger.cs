using System.Globalization;
using BookingSystem.Cli.Messaging.Simulation;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Bench;

/// <summary>One unit of work a phase hands to its target: a booking's BookingCreated, or its payment.</summary>
public sealed record BenchWork(int Index, PlannedBooking Booking, PaymentToSend? Payment = null)
{
    public bool IsPayment => Payment is not null;
}

/// <summary>
/// What one event meant to the phase: <see cref="FirstOutcome"/> when it is a booking's first reservation outcome
/// (its latency is taken, and its window slot is free again); <see cref="Payment"/> when the booking is to be paid now.
/// </summary>
public readonly record struct Observation(bool FirstOutcome, PaymentToSend? Payment);

/// <summary>
/// The final outcomes of a phase's bookings: per outcome how many, and the bookings without exactly one.
/// </summary>
public sealed record OutcomeSummary(
    IReadOnlyDictionary<string, int> ByOutcome, int Bookings, int ExactlyOne, int None, int Several, int Unexpected, int DuplicateDeliveries,
    IReadOnlyList<string> Problems)
{
    public const int ProblemsShown = 5;

    public bool ExactlyOneEach => ExactlyOne == Bookings && Unexpected == 0;
}

/// <summary>
/// Per booking of a phase: when it was sent and when its first reservation outcome (InventoryReserved, or
/// InventoryReservationFailed for stock) came back, on top of the <see cref="OutcomeLedger"/> that judges final
/// outcomes (copies of an event counted once) and decides the payments. Times are offsets from the phase's
/// origin. Thread-safe: the outcome consumer, the publishers and the progress line use it at once.
/// </summary>
public sealed class BenchLedger
{
    public const string Held = "Reserved (held)";

    private static readonly TimeSpan NotYet = TimeSpan.MinValue;
    private readonly Lock _gate = new();
    private readonly OutcomeLedger _outcomes;
    private readonly Dictionary<string, int> _indexOf;
    private readonly TimeSpan[] _sentAt;
    private readonly TimeSpan[] _outcomeAt;
    private int _sent;
    private int _withOutcome;
    private TimeSpan? _firstOutcomeAt;
    private TimeSpan? _lastOutcomeAt;

    public BenchLedger(IReadOnlyList<PlannedBooking> bookings, IEnumerable<string> itemIds)
    {
        Bookings = bookings;
        _outcomes = new OutcomeLedger(bookings, itemIds);
        _indexOf = new Dictionary<string, int>(bookings.Count, StringComparer.Ordinal);
        for (var i = 0; i < bookings.Count; i++)
        {
            _indexOf.Add(bookings[i].BookingId, i);
        }

        _sentAt = new TimeSpan[bookings.Count];
        _outcomeAt = new TimeSpan[bookings.Count];
        Array.Fill(_sentAt, NotYet);
        Array.Fill(_outcomeAt, NotYet);
    }

    public IReadOnlyList<PlannedBooking> Bookings { get; }

    public int SentCount
    {
        get
        {
            lock (_gate)
            {
                return _sent;
            }
        }
    }

    /// <summary>Bookings whose first reservation outcome came back.</summary>
    public int WithOutcome
    {
        get
        {
            lock (_gate)
            {
                return _withOutcome;
            }
        }
    }

    /// <summary>
    /// When the first booking got its first reservation outcome (a drain's rate once the service answers).
    /// </summary>
    public TimeSpan? FirstOutcomeAt
    {
        get
        {
            lock (_gate)
            {
                return _firstOutcomeAt;
            }
        }
    }

    /// <summary>
    /// When the last booking got its first reservation outcome: the end of the throughput measurement.
    /// </summary>
    public TimeSpan? LastOutcomeAt
    {
        get
        {
            lock (_gate)
            {
                return _lastOutcomeAt;
            }
        }
    }

    /// <summary>When the last booking got its final outcome.</summary>
    public TimeSpan? LastFinalAt
    {
        get
        {
            lock (_gate)
            {
                return _outcomes.LastFinalOutcomeAt;
            }
        }
    }

    /// <summary>
    /// Every booking has its final outcome (for a paid one: the answer to its payment; for one left to expire: the
    /// release).
    /// </summary>
    public bool AllFinal
    {
        get
        {
            lock (_gate)
            {
                return _outcomes.AllHaveFinalOutcome;
            }
        }
    }

    /// <param name="at">When it was sent; in a rate-paced phase when it was due, so a publisher that falls behind is
    /// not hidden.</param>
    public void Sent(int index, TimeSpan at)
    {
        lock (_gate)
        {
            if (_sentAt[index] == NotYet)
            {
                _sentAt[index] = at;
                _sent++;
            }
        }
    }

    public Observation Observe(ObservedEvent observed, TimeSpan at)
    {
        lock (_gate)
        {
            var payment = _outcomes.Observe(observed, at);
            var first = false;
            if (IsReservationOutcome(observed) && observed.BookingId is { } bookingId && _indexOf.TryGetValue(bookingId, out var index)
                && _outcomeAt[index] == NotYet)
            {
                _outcomeAt[index] = at;
                _withOutcome++;
                if (_lastOutcomeAt is not { } last || at > last)
                {
                    _lastOutcomeAt = at;
                }

                if (_firstOutcomeAt is not { } earliest || at < earliest)
                {
                    _firstOutcomeAt = at;
                }

                first = true;
            }

            return new Observation(first, payment);
        }
    }

    /// <summary>
    /// One line per booking: its id, when it was sent (or due) and when its first outcome came, in milliseconds of the
    /// machine's monotonic clock (<paramref name="originMs"/> is the phase's origin on it), as the tap writes its own.
    /// </summary>
    public void WriteTimes(TextWriter csv, double originMs)
    {
        lock (_gate)
        {
            csv.WriteLine("bookingId,sentMs,outcomeMs");
            for (var i = 0; i < _sentAt.Length; i++)
            {
                csv.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Bookings[i].BookingId},{Ms(_sentAt[i]):0.000},{Ms(_outcomeAt[i]):0.000}"));
            }
        }

        double? Ms(TimeSpan at) => at == NotYet ? null : originMs + at.TotalMilliseconds;
    }

    /// <summary>Sent to first reservation outcome, over the bookings that have both.</summary>
    public LatencyStats Latency()
    {
        lock (_gate)
        {
            return LatencyStats.From(Enumerable.Range(0, _sentAt.Length)
                .Where(i => _sentAt[i] != NotYet && _outcomeAt[i] != NotYet)
                .Select(i => (_outcomeAt[i] - _sentAt[i]).TotalMilliseconds));
        }
    }

    public OutcomeSummary Summarize()
    {
        lock (_gate)
        {
            var verdicts = _outcomes.Verdicts();
            // A hold nobody pays is simply held here: the bench's bookings do not expire unless the scenario says so.
            var byOutcome = verdicts.Where(v => v.FinalOutcomes == 1).GroupBy(v => v.Outcome == BookingVerdict.NeverPaid ? Held : v.Outcome!, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            return new OutcomeSummary(byOutcome, verdicts.Count,
                ExactlyOne: verdicts.Count(v => v.FinalOutcomes == 1),
                None: verdicts.Count(v => v.FinalOutcomes == 0),
                Several: verdicts.Count(v => v.FinalOutcomes > 1),
                Unexpected: verdicts.Count(v => v.FinalOutcomes == 1 && v.Problem is not null),
                _outcomes.DuplicateDeliveries,
                verdicts.Where(v => v.Problem is not null).Take(OutcomeSummary.ProblemsShown).Select(v => $"{v.Booking.BookingId}: {v.Problem}").ToList());
        }
    }

    /// <summary>
    /// The service's answer to a BookingCreated (a failure for lack of stock or item, not a refund request after
    /// payment).
    /// </summary>
    private static bool IsReservationOutcome(ObservedEvent observed) =>
        observed.EventType == EventTypes.InventoryReserved
        || (observed.EventType == EventTypes.InventoryReservationFailed
            && observed.Reason is ReservationFailureReasons.InsufficientStock or ReservationFailureReasons.UnknownItem);
}
