namespace BookingSystem.InventoryService.IntegrationTests.Nights;

/// <summary>A line of a stay in the model: an item (0 or 1), the nights [From, To) as offsets in the window.</summary>
public sealed record StayLine(int Item, int Quantity, int From, int To)
{
    public IEnumerable<int> Nights => Enumerable.Range(From, To - From);

    public int Length => To - From;

    public override string ToString() => $"{(char)('A' + Item)}{Quantity}x[{From},{To})";
}

public enum ModelStatus
{
    Reserved,
    Confirmed,
    Released,
    Expired,
}

/// <summary>One night of an item in the model.</summary>
public sealed class ModelNight
{
    public int Capacity { get; set; }

    public int Held { get; set; }

    public int Confirmed { get; set; }

    public bool Closed { get; set; }

    public int MinStay { get; set; } = 1;

    public int Allowance { get; set; }

    /// <summary>A LowStockAlert went out for the night and it has not had more than the threshold since.</summary>
    public bool Alerted { get; set; }

    public int Available => Closed ? 0 : Math.Max(0, Capacity + Allowance - Held - Confirmed);

    public bool Overbooked => Held + Confirmed > Capacity;

    /// <summary>The night as the comparison renders it, for the model and the calendar alike.</summary>
    public static string Render(
        int capacity, int held, int confirmed, int available, bool closed, int minStay, int allowance,
        bool overbooked) =>
        $"cap {capacity} held {held} conf {confirmed} avail {available}{(closed ? " CLOSED" : "")} min {minStay} " +
        $"allow {allowance}{(overbooked ? " OVER" : "")}";

    public override string ToString() =>
        Render(Capacity, Held, Confirmed, Available, Closed, MinStay, Allowance, Overbooked);
}

/// <summary>A reservation in the model: its lines (merged and in the service's order), status and deadline.</summary>
public sealed class ModelReservation
{
    public required string Key { get; init; }

    public required bool ByHttp { get; init; }

    public string? User { get; init; }

    public required IReadOnlyList<StayLine> Lines { get; init; }

    public ModelStatus Status { get; set; }

    public string? ReleaseReason { get; set; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Per line, the nights it holds beyond capacity as of when it last took them.</summary>
    public List<int>[] Overbooked { get; set; } = [];

    public override string ToString() => $"{Status}{(ReleaseReason is { } r ? "/" + r : "")}";
}

/// <summary>A payment outcome the model remembers for a booking by message.</summary>
public sealed class ModelPayment
{
    public bool Succeeded { get; set; }

    public bool Applied { get; set; }
}

/// <summary>
/// The reference model of nightly inventory: per night capacity, held, confirmed, closed, minimum stay and overbooking
/// allowance; the reservations and the payment outcomes; and the answer each operation must get. Pure (no I/O, no
/// service code): it states the rules as the design and the API describe them (all-or-nothing per booking, the
/// lifecycle of a hold per night, admin changes refused as a whole when a night would hold more than its capacity
/// plus allowance). Outcomes are strings in one vocabulary for both sides (see <see cref="Events"/>).
/// </summary>
public sealed class NightsModel
{
    public const int MaxActiveHoldsPerUser = 20;

    private readonly ModelNight[][] _nights;
    private readonly Dictionary<string, ModelReservation> _reservations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModelPayment> _payments = new(StringComparer.Ordinal);

    public NightsModel(IReadOnlyList<int> capacities, int windowNights, int lowStockThreshold)
    {
        Threshold = lowStockThreshold;
        _nights = [.. capacities.Select(c => Enumerable.Range(0, windowNights)
            .Select(_ => new ModelNight { Capacity = c }).ToArray())];
        Audits = new int[capacities.Count];
        LastAudit = new string[capacities.Count];
    }

    public int Items => _nights.Length;

    /// <summary>The items' low-stock threshold, which each night is held against on its own.</summary>
    public int Threshold { get; }

    /// <summary>Every LowStockAlert in the order they were due: item, night, what it had available.</summary>
    public List<(int Item, int Night, int Available)> Alerts { get; } = [];

    public int WindowNights => _nights[0].Length;

    public ModelNight Night(int item, int night) => _nights[item][night];

    public ModelReservation? Reservation(string key) => _reservations.GetValueOrDefault(key);

    /// <summary>Lines as the service keeps them: same item and stay merged, by item, stay, quantity.</summary>
    public static IReadOnlyList<StayLine> Merge(IEnumerable<StayLine> lines) =>
        [.. lines.GroupBy(l => (l.Item, l.From, l.To))
            .Select(g => new StayLine(g.Key.Item, g.Sum(l => l.Quantity), g.Key.From, g.Key.To))
            .OrderBy(l => l.Item).ThenBy(l => l.From).ThenBy(l => l.To).ThenBy(l => l.Quantity)];

    /// <summary>A BookingCreated: the events it must cause.</summary>
    public string BookByMessage(string bookingId, IReadOnlyList<StayLine> lines, DateTimeOffset now, int holdMinutes)
    {
        if (_reservations.TryGetValue(bookingId, out var existing))
        {
            // A repeat of an active booking needs no answer; one of an ended booking is told nothing is held.
            return existing.Status switch
            {
                ModelStatus.Reserved or ModelStatus.Confirmed => Events(),
                ModelStatus.Expired => Events("failed:AlreadyExpired"),
                _ => Events("failed:AlreadyReleased"),
            };
        }

        var payment = _payments.GetValueOrDefault(bookingId) is { Applied: false } waiting ? waiting : null;
        var refusal = Refusal(lines);
        if (payment is { Succeeded: false })
        {
            // The payment failed before the booking came: nothing is held, and the booking side is told so.
            Add(bookingId, byHttp: false, user: null, lines, ModelStatus.Released, now, holdMinutes, "PaymentFailed");
            payment.Applied = true;
            return Events("released:PaymentFailed");
        }

        if (refusal is not null)
        {
            return Events("failed:" + refusal);
        }

        var reservation = Add(bookingId, byHttp: false, user: null, lines, ModelStatus.Reserved, now, holdMinutes);
        var reserved = "reserved" + RenderLines(reservation);
        if (payment is not { Succeeded: true })
        {
            return Events(reserved);
        }

        Confirm(reservation);
        payment.Applied = true;
        return Events(reserved, "confirmed" + RenderLines(reservation));
    }

    /// <summary>POST /api/inventory/reserve by a user: the status and what the answer says.</summary>
    public string BookByHttp(
        string key, string user, IReadOnlyList<StayLine> lines, DateTimeOffset now, int holdMinutes)
    {
        if (_reservations.TryGetValue(key, out var existing))
        {
            return existing.Status is ModelStatus.Reserved or ModelStatus.Confirmed ? "200 existing" : "409 ended";
        }

        if (_reservations.Values.Count(r => r.ByHttp && r.User == user && r.Status == ModelStatus.Reserved)
            >= MaxActiveHoldsPerUser)
        {
            return "409 TooManyHolds";
        }

        if (Refusal(lines) is { } refusal)
        {
            return "409 " + refusal;
        }

        var reservation = Add(key, byHttp: true, user, lines, ModelStatus.Reserved, now, holdMinutes);
        return "201" + RenderLines(reservation);
    }

    /// <summary>A PaymentSucceeded or PaymentFailed for a booking by message: the events it must cause.</summary>
    public string Pay(string bookingId, bool succeeded)
    {
        var reservation = _reservations.GetValueOrDefault(bookingId);
        if (_payments.TryGetValue(bookingId, out var earlier))
        {
            if (earlier.Succeeded == succeeded)
            {
                return Events(); // a repeat
            }

            if (reservation is null)
            {
                // Both came before the booking: a success replaces a failure (the money was taken), not the reverse.
                earlier.Succeeded |= succeeded;
                return Events();
            }

            var (events, applied) = PayReservation(reservation, succeeded);
            if (applied && succeeded)
            {
                earlier.Succeeded = true;
            }

            earlier.Applied = true;
            return events;
        }

        _payments[bookingId] = new ModelPayment { Succeeded = succeeded, Applied = reservation is not null };
        return reservation is null ? Events() : PayReservation(reservation, succeeded).Events;
    }

    /// <summary>POST /api/inventory/release (Cancelled or Manual): the HTTP status, the reservation's status.</summary>
    public string Release(string key, string reason)
    {
        if (!_reservations.TryGetValue(key, out var reservation))
        {
            return "404";
        }

        switch (reservation.Status)
        {
            case ModelStatus.Reserved or ModelStatus.Confirmed:
                GiveBack(reservation);
                reservation.Status = ModelStatus.Released;
                reservation.ReleaseReason = reason;
                return "200 Released";
            case ModelStatus.Released:
                return "200 Released";
            default:
                return "409 Expired";
        }
    }

    /// <summary>The clock is at <paramref name="now"/>: each hold past its deadline expires; how many did.</summary>
    public int Expire(DateTimeOffset now)
    {
        var due = _reservations.Values.Where(r => r.Status == ModelStatus.Reserved && r.ExpiresAt <= now).ToList();
        foreach (var reservation in due)
        {
            GiveBack(reservation);
            reservation.Status = ModelStatus.Expired;
            reservation.ReleaseReason = "Expired";
        }

        return due.Count;
    }

    /// <summary>PUT .../calendar on nights [from, to) of an item: "200", or "409" and the nights refusing.</summary>
    public string ChangeCalendar(
        int item, int from, int to, IReadOnlyCollection<DayOfWeek>? weekdays, DateOnly windowStart, int? capacity,
        bool? closed, int? minStay, int? allowance)
    {
        var selected = Enumerable.Range(from, to - from)
            .Where(n => weekdays is not { Count: > 0 } || weekdays.Contains(windowStart.AddDays(n).DayOfWeek))
            .ToList();
        var conflicts = selected.Where(n =>
        {
            var night = _nights[item][n];
            return (capacity ?? night.Capacity) + (allowance ?? night.Allowance) < night.Held + night.Confirmed;
        }).ToList();
        if (conflicts.Count > 0)
        {
            return "409 nights " + string.Join(",", conflicts);
        }

        var changed = new List<string>();
        foreach (var n in selected)
        {
            var night = _nights[item][n];
            var before = Settings(night);
            night.Capacity = capacity ?? night.Capacity;
            night.Closed = closed ?? night.Closed;
            night.MinStay = minStay ?? night.MinStay;
            night.Allowance = allowance ?? night.Allowance;
            if (Settings(night) != before)
            {
                LowStockIfCrossed(item, n);
                changed.Add(AuditLine(n, before, Settings(night)));
            }
        }

        Audits[item]++;
        LastAudit[item] = string.Join("; ", changed);
        return "200";
    }

    /// <summary>Per item, how many calendar changes were applied (each leaves one audit row).</summary>
    public int[] Audits { get; }

    /// <summary>Per item, the nights the last applied change changed, before and after (as audited).</summary>
    public string[] LastAudit { get; }

    public static string AuditLine(int night, string before, string after) => $"{night}: {before} -> {after}";

    public static string Settings(int capacity, bool closed, int minStay, int allowance) =>
        $"cap {capacity}{(closed ? " closed" : "")} min {minStay} allow {allowance}";

    private static string Settings(ModelNight n) => Settings(n.Capacity, n.Closed, n.MinStay, n.Allowance);

    /// <summary>
    /// GET /api/inventory/availability for a stay: the items that can take it whole (every night on sale and open,
    /// the first night's minimum stay met, room for the quantity) with their lowest availability over it.
    /// </summary>
    public string Search(int from, int to, int quantity) => "offers: " + string.Join(", ", Enumerable
        .Range(0, Items)
        .Where(item => Refusal([new StayLine(item, quantity, from, to)]) is null)
        .Select(item =>
            $"{(char)('A' + item)} {Enumerable.Range(from, to - from).Min(n => _nights[item][n].Available)}")
        .DefaultIfEmpty("none"));

    /// <summary>
    /// POST /api/inventory/check-availability for lines (merged): available, or per line the nights that cannot be had,
    /// each with its reason (closed, then the first night's minimum stay, then room for what the lines ask of it)
    /// and what it has available.
    /// </summary>
    public string Check(IReadOnlyList<StayLine> lines)
    {
        var demand = Demand(lines);
        var failing = lines.Select(line => line.Nights.Select(n =>
            {
                var night = _nights[line.Item][n];
                var reason = night.Closed ? "Closed"
                    : n == line.From && night.MinStay > line.Length ? "MinStay"
                    : night.Available < demand[(line.Item, n)] ? "InsufficientStock"
                    : null;
                return reason is null ? null : $"{n} {reason} {night.Available}";
            }).OfType<string>().ToList()).ToList();
        return RenderCheck(lines, failing);
    }

    public static string RenderCheck(IReadOnlyList<StayLine> lines, IReadOnlyList<IReadOnlyList<string>> failing) =>
        failing.All(f => f.Count == 0) ? "available"
            : "unavailable " + string.Join(" ", lines.Select((l, i) => $"{l}: {string.Join(", ", failing[i])}"));

    private static Dictionary<(int Item, int Night), int> Demand(IEnumerable<StayLine> lines) =>
        lines.SelectMany(l => l.Nights.Select(n => (l.Item, Night: n, l.Quantity)))
            .GroupBy(x => (x.Item, x.Night)).ToDictionary(g => g.Key, g => g.Sum(x => x.Quantity));

    /// <summary>Events as both sides render them: one per line, in the order they were written.</summary>
    public static string Events(params string[] events) => events.Length == 0 ? "(none)" : string.Join(" | ", events);

    /// <summary>
    /// A reservation's lines with the nights each holds beyond capacity. When two lines of one item share a night,
    /// which of them "took it beyond" depends on the order the service applies them in, so the nights are given per
    /// item for such a booking.
    /// </summary>
    public static string RenderLines(IReadOnlyList<StayLine> lines, IReadOnlyList<IReadOnlyCollection<int>> overbooked)
    {
        var shared = lines.Any(a => lines.Any(b => !ReferenceEquals(a, b) && a.Item == b.Item
            && a.From < b.To && b.From < a.To));
        if (shared)
        {
            var perItem = lines.Select((l, i) => (l.Item, Nights: overbooked[i])).GroupBy(x => x.Item)
                .Select(g =>
                    $"{(char)('A' + g.Key)}!{string.Join(",", g.SelectMany(x => x.Nights).Distinct().Order())}");
            return $"[{string.Join(" ", lines)}] over {string.Join(" ", perItem)}{Flag(overbooked)}";
        }

        return "[" + string.Join(" ", lines.Select((l, i) =>
            l + (overbooked[i].Count > 0 ? "!" + string.Join(",", overbooked[i].Order()) : ""))) + "]" +
            Flag(overbooked);
    }

    private static string Flag(IReadOnlyList<IReadOnlyCollection<int>> overbooked) =>
        overbooked.Any(o => o.Count > 0) ? " overbooked" : "";

    private static string RenderLines(ModelReservation reservation) =>
        RenderLines(reservation.Lines, reservation.Overbooked);

    /// <summary>
    /// Why a booking of these lines cannot be had now (null: it can): a closed night first, then a first night whose
    /// minimum stay is longer than the stay, then any night without room for what the booking asks of it.
    /// </summary>
    private string? Refusal(IReadOnlyList<StayLine> lines)
    {
        var demand = Demand(lines);
        var reasons = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            foreach (var n in line.Nights)
            {
                var night = _nights[line.Item][n];
                if (night.Closed)
                {
                    reasons.Add("Closed");
                }
                else if (n == line.From && night.MinStay > line.Length)
                {
                    reasons.Add("MinStay");
                }
                else if (night.Available < demand[(line.Item, n)])
                {
                    reasons.Add("InsufficientStock");
                }
            }
        }

        return reasons.Count == 0 ? null
            : reasons.Contains("Closed") ? "Closed"
            : reasons.Contains("MinStay") ? "MinStay"
            : "InsufficientStock";
    }

    private ModelReservation Add(
        string key, bool byHttp, string? user, IReadOnlyList<StayLine> lines, ModelStatus status, DateTimeOffset now,
        int holdMinutes, string? releaseReason = null)
    {
        var reservation = new ModelReservation
        {
            Key = key, ByHttp = byHttp, User = user, Lines = lines, Status = status, ReleaseReason = releaseReason,
            ExpiresAt = now.AddMinutes(holdMinutes), Overbooked = [.. lines.Select(_ => new List<int>())],
        };
        _reservations[key] = reservation;
        if (status == ModelStatus.Reserved)
        {
            Take(reservation, confirmed: false);
        }

        return reservation;
    }

    /// <summary>Takes the lines' units on each night, held or sold; notes the nights pushed past capacity.</summary>
    private void Take(ModelReservation reservation, bool confirmed)
    {
        reservation.Overbooked = [.. reservation.Lines.Select(line =>
        {
            var over = new List<int>();
            foreach (var n in line.Nights)
            {
                var night = _nights[line.Item][n];
                if (confirmed)
                {
                    night.Confirmed += line.Quantity;
                }
                else
                {
                    night.Held += line.Quantity;
                }

                LowStockIfCrossed(line.Item, n);
                if (night.Overbooked)
                {
                    over.Add(n);
                }
            }

            return over;
        })];
    }

    /// <summary>
    /// A night's counters or settings changed: an alert when it has the threshold or less available and had not been
    /// alerted; more than the threshold re-arms it.
    /// </summary>
    private void LowStockIfCrossed(int item, int n)
    {
        var night = _nights[item][n];
        var low = night.Available <= Threshold;
        if (low && !night.Alerted)
        {
            Alerts.Add((item, n, night.Available));
        }

        night.Alerted = low;
    }

    private void Confirm(ModelReservation reservation)
    {
        foreach (var line in reservation.Lines)
        {
            foreach (var n in line.Nights)
            {
                _nights[line.Item][n].Held -= line.Quantity;
                _nights[line.Item][n].Confirmed += line.Quantity;
                LowStockIfCrossed(line.Item, n);
            }
        }

        reservation.Status = ModelStatus.Confirmed;
    }

    private void GiveBack(ModelReservation reservation)
    {
        var sold = reservation.Status == ModelStatus.Confirmed;
        foreach (var line in reservation.Lines)
        {
            foreach (var n in line.Nights)
            {
                if (sold)
                {
                    _nights[line.Item][n].Confirmed -= line.Quantity;
                }
                else
                {
                    _nights[line.Item][n].Held -= line.Quantity;
                }

                LowStockIfCrossed(line.Item, n);
            }
        }
    }

    /// <summary>
    /// A payment outcome against the booking's reservation: success confirms a hold, or after the hold ended (expired,
    /// or released by a failed payment) sells the nights again if a new booking of the stay could have them (room,
    /// no night closed, the first night's minimum stay met: the service checks all three), else asks for a refund; a
    /// failure releases a hold and leaves a sale standing (confirming it again). Applied: the service acted on it.
    /// </summary>
    private (string Events, bool Applied) PayReservation(ModelReservation reservation, bool succeeded)
    {
        if (!succeeded)
        {
            switch (reservation.Status)
            {
                case ModelStatus.Reserved:
                    GiveBack(reservation);
                    reservation.Status = ModelStatus.Released;
                    reservation.ReleaseReason = "PaymentFailed";
                    return (Events("released:PaymentFailed"), true);
                case ModelStatus.Confirmed:
                    return (Events("confirmed" + RenderLines(reservation)), true);
                default:
                    return (Events(), false);
            }
        }

        switch (reservation.Status)
        {
            case ModelStatus.Reserved:
                Confirm(reservation);
                return (Events("confirmed" + RenderLines(reservation)), true);
            case ModelStatus.Confirmed:
                return (Events(), false);
            case ModelStatus.Expired or ModelStatus.Released when reservation.Status == ModelStatus.Expired
                || reservation.ReleaseReason == "PaymentFailed":
                var ended = reservation.Status == ModelStatus.Expired ? "HoldExpired" : "Released";
                if (Refusal(reservation.Lines) is not null)
                {
                    return (Events("failed:" + ended), true);
                }

                Take(reservation, confirmed: true);
                reservation.Status = ModelStatus.Confirmed;
                reservation.ReleaseReason = null;
                return (Events("confirmed" + RenderLines(reservation)), true);
            default:
                return (Events("failed:Released"), true); // cancelled: nothing is taken again, refund
        }
    }

    public string RenderCalendar(int item) =>
        string.Join(Environment.NewLine, _nights[item].Select((n, i) => $"  {i}: {n}"));
}
