using BookingSystem.Contracts;

namespace BookingSystem.Cli.Messaging.Simulation;

/// <summary>The simulated payment service's next step: pay (or fail to pay) for a booking whose stock is now held.</summary>
public sealed record PaymentToSend(PlannedBooking Booking, bool Succeeds, string CausationId);

/// <summary>Counts for the live progress line; each booking is counted once per column it has reached.</summary>
public sealed record ProgressSnapshot(int Reserved, int Failed, int Confirmed, int Released, int Pending);

/// <summary>
/// One booking judged by the events seen for it. <see cref="FinalOutcomes"/> must be exactly 1; <see cref="Outcome"/>
/// is its label then (e.g. "Confirmed"). <see cref="Problem"/> explains anything wrong, including an outcome that
/// does not fit what was sent (a Confirmed after PaymentFailed).
/// </summary>
public sealed record BookingVerdict(PlannedBooking Booking, string? Outcome, int FinalOutcomes, string? Problem, IReadOnlyList<ObservedEvent> Events)
{
    public const string Confirmed = "Confirmed";
    public const string NeverPaid = "Reserved (never paid; will expire)";

    /// <summary>Why the service may refuse a booking it never held, whatever was paid.</summary>
    private static readonly string[] StockRefusals =
    [
        ReservationFailureReasons.InsufficientStock, ReservationFailureReasons.UnknownItem,
        ReservationFailureReasons.Closed, ReservationFailureReasons.MinStay, ReservationFailureReasons.OutsideHorizon,
    ];

    /// <summary>The final states that keep stock in <c>reserved</c>: sold, or still on hold.</summary>
    public bool HoldsStock => FinalOutcomes == 1 && Outcome is Confirmed or NeverPaid;

    public static string Released(string? reason) => $"Released ({reason})";

    public static string ReservationFailed(string? reason) => $"ReservationFailed ({reason})";

    /// <summary>
    /// The final outcome rules, on the set of events (the service's events may arrive out of order): a failed
    /// reservation ends a booking; so does the answer to its payment (Confirmed, Released(PaymentFailed), or a
    /// refund request: ReservationFailed(HoldExpired/Released)); a release the payment did not cause (Expired,
    /// Cancelled, Manual) ends it only if no payment answer followed; a hold the simulation never pays for is final
    /// as it stands, one left to expire only once released. A second reservation outcome counts as a second outcome.
    /// </summary>
    public static BookingVerdict Judge(PlannedBooking booking, IReadOnlyList<ObservedEvent> events)
    {
        var reserved = events.Count(e => e.EventType == EventTypes.InventoryReserved);
        var failures = events.Where(e => e.EventType == EventTypes.InventoryReservationFailed).ToList();
        var releases = events.Where(e => e.EventType == EventTypes.InventoryReleased).ToList();
        var reservationOutcomes = reserved + failures.Count(f => !IsRefundRequest(f.Reason));

        var finals = failures.Where(f => !IsRefundRequest(f.Reason)).Select(f => ReservationFailed(f.Reason)).ToList();
        var paymentAnswers = failures.Where(f => IsRefundRequest(f.Reason)).Select(f => ReservationFailed(f.Reason))
            .Concat(events.Where(e => e.EventType == EventTypes.InventoryConfirmed).Select(_ => Confirmed))
            .Concat(releases.Where(e => e.Reason == ReleaseReasons.PaymentFailed).Select(e => Released(e.Reason)))
            .ToList();
        finals.AddRange(paymentAnswers);
        if (paymentAnswers.Count == 0)
        {
            finals.AddRange(releases.Where(e => e.Reason != ReleaseReasons.PaymentFailed).Select(e => Released(e.Reason)));
        }

        if (finals.Count == 0 && reserved > 0 && booking.Payment == PaymentPlan.NeverPay)
        {
            finals.Add(NeverPaid);
        }

        var count = finals.Count + Math.Max(0, reservationOutcomes - 1);
        var outcome = count == 1 ? finals[0] : null;
        var problem = count switch
        {
            0 when events.Count == 0 => "no event at all",
            0 => "no final outcome; seen: " + Describe(events),
            > 1 => $"{count} final outcomes; seen: " + Describe(events),
            _ when !Fits(booking.Payment, reserved > 0, outcome!) => $"unexpected outcome for a booking planned to {booking.Payment}; seen: " + Describe(events),
            _ => null,
        };
        return new BookingVerdict(booking, outcome, count, problem, events);
    }

    /// <summary>The service's answer to a payment it could not honour (the hold was gone): the booking side refunds.</summary>
    private static bool IsRefundRequest(string? reason) =>
        reason is ReservationFailureReasons.HoldExpired or ReservationFailureReasons.Released;

    /// <summary>
    /// Whether the outcome answers what the simulation sent; a release nobody asked for (expiry, an operator) fits any
    /// plan, and so does a refusal by the stock or by a night's rules (stop-sell, minimum stay, horizon).
    /// </summary>
    private static bool Fits(PaymentPlan plan, bool wasReserved, string outcome) =>
        !wasReserved
            ? StockRefusals.Any(reason => outcome == ReservationFailed(reason))
            : outcome == Released(ReleaseReasons.Expired) || outcome == Released(ReleaseReasons.Cancelled) || outcome == Released(ReleaseReasons.Manual) || plan switch
            {
                PaymentPlan.Pay => outcome == Confirmed || outcome == ReservationFailed(ReservationFailureReasons.HoldExpired) || outcome == ReservationFailed(ReservationFailureReasons.Released),
                PaymentPlan.FailPayment => outcome == Released(ReleaseReasons.PaymentFailed),
                PaymentPlan.NeverPay => outcome == NeverPaid,
            // Only the expiry (a release, accepted above) ends a hold that is left to expire.
            _ => false,
            };

    private static string Describe(IReadOnlyList<ObservedEvent> events) =>
        events.Count == 0 ? "nothing" : string.Join(", ", events.Select(e => e.Reason is null ? $"{e.EventType} {e.EventId}" : $"{e.EventType}({e.Reason}) {e.EventId}"));
}

/// <summary>
/// Everything the simulation saw on its <c>inventory.#</c> queue, per booking. Copies of an event (same eventId,
/// the outbox is at-least-once) count once. Events about other bookings are kept apart: they may move the
/// <c>reserved</c> counters of the simulated items, which the consistency check has to know. Not thread-safe.
/// </summary>
public sealed class OutcomeLedger
{
    private readonly Dictionary<string, Track> _bookings;
    private readonly HashSet<string> _items;
    private readonly HashSet<string> _seenEventIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _withoutFinalOutcome;
    private readonly Dictionary<CounterKey, int> _foreignReservedDelta = [];

    public OutcomeLedger(IEnumerable<PlannedBooking> bookings, IEnumerable<string> simulatedItems)
    {
        _bookings = bookings.ToDictionary(b => b.BookingId, b => new Track(b), StringComparer.Ordinal);
        _items = simulatedItems.ToHashSet(StringComparer.Ordinal);
        _withoutFinalOutcome = _bookings.Keys.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Deliveries of an eventId already seen (dropped).</summary>
    public int DuplicateDeliveries { get; private set; }

    /// <summary>Events about bookings of someone else that touch a simulated item.</summary>
    public int ForeignEvents { get; private set; }

    public int LowStockAlerts { get; private set; }

    /// <summary>When (since the run started) the last booking got its first final outcome.</summary>
    public TimeSpan? LastFinalOutcomeAt { get; private set; }

    public bool AllHaveFinalOutcome => _withoutFinalOutcome.Count == 0;

    /// <summary>
    /// Per counter of a simulated item (the item, or a night of it): how much other bookings' events reserved (+) or
    /// released (-) during the run.
    /// </summary>
    public IReadOnlyDictionary<CounterKey, int> ForeignReservedDelta => _foreignReservedDelta;

    /// <summary>Records <paramref name="observed"/>; returns the payment to publish when it is the first hold of a booking that pays (or fails to).</summary>
    public PaymentToSend? Observe(ObservedEvent observed, TimeSpan at)
    {
        if (!_seenEventIds.Add(observed.EventId))
        {
            DuplicateDeliveries++;
            return null;
        }

        if (observed.EventType == EventTypes.LowStockAlert)
        {
            LowStockAlerts++;
            return null;
        }

        if (observed.BookingId is null || !_bookings.TryGetValue(observed.BookingId, out var track))
        {
            RecordForeign(observed);
            return null;
        }

        track.Events.Add(observed);
        if (_withoutFinalOutcome.Contains(track.Booking.BookingId) && BookingVerdict.Judge(track.Booking, track.Events).FinalOutcomes > 0)
        {
            _withoutFinalOutcome.Remove(track.Booking.BookingId);
            LastFinalOutcomeAt = at;
        }

        if (observed.EventType != EventTypes.InventoryReserved || track.PaymentDecided || track.Booking.Payment is PaymentPlan.NeverPay or PaymentPlan.LetExpire)
        {
            return null;
        }

        track.PaymentDecided = true;
        return new PaymentToSend(track.Booking, track.Booking.Payment == PaymentPlan.Pay, observed.EventId);
    }

    public ProgressSnapshot Progress()
    {
        int Count(string eventType) => _bookings.Values.Count(t => t.Events.Any(e => e.EventType == eventType));
        var failed = _bookings.Values.Count(t => t.Events.Any(e => e.EventType == EventTypes.InventoryReservationFailed
            && e.Reason is not (ReservationFailureReasons.HoldExpired or ReservationFailureReasons.Released)));
        return new ProgressSnapshot(Count(EventTypes.InventoryReserved), failed, Count(EventTypes.InventoryConfirmed), Count(EventTypes.InventoryReleased), _withoutFinalOutcome.Count);
    }

    public IReadOnlyList<BookingVerdict> Verdicts() =>
        _bookings.Values.Select(t => BookingVerdict.Judge(t.Booking, t.Events)).OrderBy(v => v.Booking.BookingId, StringComparer.Ordinal).ToList();

    private void RecordForeign(ObservedEvent observed)
    {
        var sign = observed.EventType switch
        {
            EventTypes.InventoryReserved => 1,
            EventTypes.InventoryReleased => -1,
            _ => 0,
        };
        var moved = StockCounters.Held(observed.Lines.Where(l => _items.Contains(l.ItemId)));
        foreach (var (counter, units) in moved)
        {
            _foreignReservedDelta[counter] = _foreignReservedDelta.GetValueOrDefault(counter) + (sign * units);
        }

        if (moved.Count > 0)
        {
            ForeignEvents++;
        }
    }

    private sealed class Track(PlannedBooking booking)
    {
        public PlannedBooking Booking { get; } = booking;

        public List<ObservedEvent> Events { get; } = [];

        public bool PaymentDecided { get; set; }
    }
}
