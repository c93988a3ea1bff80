using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Stock;
using Microsoft.EntityFrameworkCore;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// What one attempt locks: the bookings decided about (their keys), the users whose active HTTP holds are counted,
/// and the stock the lines name: a pool line's item, every night of a nightly line's stay. The stock of existing
/// reservations' lines is added for the reservations <see cref="StockMayMove"/> says may change a counter (give
/// stock back, take it again, or move nights from held to sold).
/// </summary>
public sealed record LockRequest(
    IReadOnlyCollection<string> Bookings,
    IReadOnlyCollection<RequestedLine> Lines,
    Func<Reservation, bool>? StockMayMove = null,
    IReadOnlyCollection<string>? CappedUsers = null);

/// <summary>
/// The rows one attempt of a reservation unit of work holds locks on, made fresh by <see cref="UnitOfWork"/> for each
/// attempt. <see cref="LockAsync"/> takes every lock once, set-wise and in the one order (booking and user keys,
/// payment rows, reservation rows with their lines, items by id), for a batch of messages and a single HTTP request
/// alike; the rules then read the locked rows from here and query nothing more (asking for a row that was not locked
/// is a bug and throws). A nightly item's row is read, not locked: what a booking changes are its nights, locked in
/// (item, night) order after the pool items, one lock per night per attempt. New reservations and changed counters
/// (items and nights) are written set-wise at the end (<see cref="FlushAsync"/>); everything else through the change
/// tracker.
/// </summary>
public sealed class LockSession(InventoryDbContext db) : IUnitOfWorkSession
{
    private const string BookingKeyIndex = "IX_reservations_booking_key";
    private const string PaymentOutcomeKey = "PK_payment_outcomes";

    /// <summary>The item columns a reservation changes; an item with only these changed is written set-wise.</summary>
    private static readonly HashSet<string> CounterColumns =
        [nameof(InventoryItem.Reserved), nameof(InventoryItem.UpdatedAt), nameof(InventoryItem.LowStockAlerted)];

    private readonly Dictionary<string, PaymentOutcome?> _payments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Reservation?> _reservations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InventoryItem?> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<(string ItemId, DateOnly Night), ItemNight?> _nights = [];
    private readonly List<Reservation> _created = [];
    private readonly List<Action> _committed = [];
    private readonly Dictionary<string, int> _activeHolds = new(StringComparer.Ordinal);
    private bool _locked;


    /// <summary>Takes every lock the attempt needs, in the one order; once per attempt.</summary>
    public async Task LockAsync(LockRequest request, CancellationToken ct)
    {
        StartLocking();
        var bookings = request.Bookings.Distinct(StringComparer.Ordinal).ToArray();
        // A user's key lock makes the count of their holds exact while several reserves of theirs run at once.
        var users = request.CappedUsers?.Distinct(StringComparer.Ordinal).ToArray() ?? [];
        await KeyLocks.LockAsync(db, [.. bookings, .. users.Select(UserKey)], ct);
        foreach (var user in users)
        {
            _activeHolds[user] = await db.Reservations.CountAsync(
                r => r.UserId == user && r.Origin == ReservationOrigin.Http && r.Status == ReservationStatus.Reserved,
                ct);
        }

        var linesMayMove = new List<RequestedLine>();
        if (bookings.Length > 0)
        {
            var payments = await db.PaymentOutcomes
                .FromSql($"""
                    SELECT * FROM payment_outcomes WHERE booking_id = ANY({bookings}) ORDER BY booking_id FOR UPDATE
                    """)
                .ToDictionaryAsync(p => p.BookingId, StringComparer.Ordinal, ct);
            var reservations = await db.Reservations
                .FromSql($"""
                    SELECT *, xmin FROM reservations WHERE booking_key = ANY({bookings}) ORDER BY booking_key FOR UPDATE
                    """)
                .ToDictionaryAsync(r => r.Key, StringComparer.Ordinal, ct);
            await LoadLinesAsync(reservations.Values, ct);
            foreach (var booking in bookings)
            {
                _payments[booking] = payments.GetValueOrDefault(booking);
                _reservations[booking] = reservations.GetValueOrDefault(booking);
            }

            linesMayMove.AddRange(reservations.Values.Where(r => request.StockMayMove?.Invoke(r) == true)
                .SelectMany(r => r.Lines).Select(ReservationRules.AsRequested));
        }

        await LockStockAsync([.. request.Lines, .. linesMayMove], ct);
    }

    /// <summary>
    /// Locks up to <paramref name="max"/> holds past their deadline and their items; holds another transaction has
    /// locked are skipped (<c>SKIP LOCKED</c>), so several sweepers can run at once. Once per attempt.
    /// </summary>
    public async Task<IReadOnlyList<Reservation>> LockDueHoldsAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        StartLocking();
        var due = await db.Reservations
            .FromSql($"""
                SELECT *, xmin FROM reservations
                WHERE status = 'Reserved' AND expires_at <= {now}
                ORDER BY expires_at
                LIMIT {max}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(ct);
        await LoadLinesAsync(due, ct);
        foreach (var reservation in due)
        {
            _reservations[reservation.Key] = reservation;
        }

        await LockStockAsync([.. due.SelectMany(r => r.Lines).Select(ReservationRules.AsRequested)], ct);
        return due;
    }

    /// <summary>
    /// Locks up to <paramref name="max"/> payment outcomes that waited since <paramref name="cutoff"/> or longer for a
    /// booking that never came (<c>SKIP LOCKED</c>, like <see cref="LockDueHoldsAsync"/>). Once per attempt.
    /// </summary>
    public async Task<IReadOnlyList<PaymentOutcome>> LockStalePaymentsAsync(
        DateTimeOffset cutoff, int max, CancellationToken ct)
    {
        StartLocking();
        return await db.PaymentOutcomes
            .FromSql($"""
                SELECT * FROM payment_outcomes
                WHERE applied_at IS NULL AND received_at <= {cutoff}
                  AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.booking_key = payment_outcomes.booking_id)
                ORDER BY received_at
                LIMIT {max}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(ct);
    }

    /// <summary>The user's active HTTP holds, counted under the user's key lock.</summary>
    public int ActiveHolds(string user) =>
        _activeHolds.TryGetValue(user, out var holds) ? holds : throw NotLocked("holds of user", user);

    /// <summary>The booking's reservation (null: it has none).</summary>
    public Reservation? Reservation(string key) =>
        _reservations.TryGetValue(key, out var reservation) ? reservation : throw NotLocked("booking", key);

    /// <summary>The booking's payment outcome (null: none came).</summary>
    public PaymentOutcome? Payment(string bookingId) =>
        _payments.TryGetValue(bookingId, out var payment) ? payment : throw NotLocked("payment of booking", bookingId);

    /// <summary>The named items that exist, by item id (an unknown id is absent).</summary>
    public IReadOnlyDictionary<string, InventoryItem> Items(IEnumerable<string> itemIds)
    {
        var items = new Dictionary<string, InventoryItem>(StringComparer.Ordinal);
        foreach (var id in itemIds)
        {
            if (!_items.TryGetValue(id, out var item))
            {
                throw NotLocked("item", id);
            }

            if (item is not null)
            {
                items[id] = item;
            }
        }

        return items;
    }

    /// <summary>A night of a nightly item (null: the item has no such night, it is not on sale).</summary>
    public ItemNight? Night(string itemId, DateOnly night) =>
        _nights.TryGetValue((itemId, night), out var found)
            ? found
            : throw NotLocked("night", $"{itemId} {night:yyyy-MM-dd}");

    /// <summary>
    /// A new reservation, written with the others of the attempt at the end; later decisions of the attempt see it.
    /// </summary>
    public void Add(Reservation reservation)
    {
        _created.Add(reservation);
        _reservations[reservation.Key] = reservation;
    }

    /// <summary>
    /// A payment outcome for a booking whose key this attempt locked; later decisions of the attempt see it.
    /// </summary>
    public void Add(PaymentOutcome payment)
    {
        db.PaymentOutcomes.Add(payment);
        _payments[payment.BookingId] = payment;
    }

    public void Remove(PaymentOutcome payment) => db.PaymentOutcomes.Remove(payment);

    /// <summary>Runs <paramref name="count"/> once this attempt has committed (metrics of what it did).</summary>
    public void OnCommitted(Action count) => _committed.Add(count);

    /// <summary>
    /// What a batch changes most, in three statements instead of one per row: the new reservations and their lines
    /// (multi-row inserts, in their final state) and the counters of the items they changed (one update; the rows are
    /// locked, so no version check is needed). Other changes (payments, transitions of existing reservations) are
    /// saved by the change tracker.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        if (_created.Count > 0)
        {
            var r = _created;
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO reservations (id, booking_id, booking_key, origin, user_id, status, created_at, expires_at,
                                          confirmed_at, released_at, release_reason, correlation_id)
                SELECT * FROM unnest({r.Select(x => x.Id).ToArray()}, {r.Select(x => x.BookingId).ToArray()},
                    {r.Select(x => x.Key).ToArray()}, {r.Select(x => x.Origin.ToString()).ToArray()},
                    {r.Select(x => x.UserId).ToArray()}, {r.Select(x => x.Status.ToString()).ToArray()},
                    {r.Select(x => x.CreatedAt).ToArray()}, {r.Select(x => x.ExpiresAt).ToArray()},
                    {r.Select(x => x.ConfirmedAt).ToArray()}, {r.Select(x => x.ReleasedAt).ToArray()},
                    {r.Select(x => x.ReleaseReason?.ToString()).ToArray()}, {r.Select(x => x.CorrelationId).ToArray()})
                """, ct);

            var lines = r.SelectMany(x => x.Lines, (x, l) => (x.Id, Line: l)).ToList();
            // A line's overbooked nights travel as an array literal ('{2027-06-03,2027-06-04}'): unnest cannot take
            // an array of arrays.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO reservation_lines
                    (reservation_id, item_id, quantity, check_in, check_out, overbooked_nights)
                SELECT u.id, u.item_id, u.quantity, u.check_in, u.check_out, u.overbooked::date[]
                FROM unnest({lines.Select(l => l.Id).ToArray()}, {lines.Select(l => l.Line.ItemId).ToArray()},
                    {lines.Select(l => l.Line.Quantity).ToArray()}, {lines.Select(l => l.Line.CheckIn).ToArray()},
                    {lines.Select(l => l.Line.CheckOut).ToArray()},
                    {lines.Select(l => DateArray(l.Line.OverbookedNights)).ToArray()})
                    AS u(id, item_id, quantity, check_in, check_out, overbooked)
                """, ct);
        }

        await FlushNightsAsync(ct);

        var counters = db.ChangeTracker.Entries<InventoryItem>()
            .Where(e => e.State == EntityState.Modified
                && e.Properties.Where(p => p.IsModified).All(p => CounterColumns.Contains(p.Metadata.Name)))
            .ToList();
        if (counters.Count == 0)
        {
            return;
        }

        var items = counters.Select(e => e.Entity).ToList();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE inventory_items AS i
            SET reserved = u.reserved, updated_at = u.updated_at, low_stock_alerted = u.low_stock_alerted
            FROM unnest({items.Select(i => i.Id).ToArray()}, {items.Select(i => i.Reserved).ToArray()},
                        {items.Select(i => i.UpdatedAt).ToArray()}, {items.Select(i => i.LowStockAlerted).ToArray()})
                AS u(id, reserved, updated_at, low_stock_alerted)
            WHERE i.id = u.id
            """, ct);
        foreach (var entry in counters)
        {
            entry.State = EntityState.Unchanged;
        }
    }

    /// <summary>
    /// The same booking raced by a transaction with other items, or a payment for it, both inserting the same key:
    /// the attempt runs again and finds the winner's row.
    /// </summary>
    public bool IsRace(Exception exception) =>
        DatabaseRetry.IsUniqueViolation(exception, BookingKeyIndex)
        || DatabaseRetry.IsUniqueViolation(exception, PaymentOutcomeKey);

    public void Committed()
    {
        foreach (var count in _committed)
        {
            count();
        }
    }

    private static InvalidOperationException NotLocked(string what, string key) =>
        new($"The {what} '{key}' was not locked by this attempt: every lock is taken at its start, in one order.");

    /// <summary>A user's key (the prefix keeps it apart from every booking key).</summary>
    private static string UserKey(string user) => "user/" + user;

    private void StartLocking()
    {
        if (_locked)
        {
            throw new InvalidOperationException(
                "An attempt takes its locks once, at its start, so that they are taken in one order.");
        }

        _locked = true;
    }

    private async Task LoadLinesAsync(IEnumerable<Reservation> reservations, CancellationToken ct)
    {
        var ids = reservations.Select(r => r.Id).ToList();
        if (ids.Count > 0)
        {
            await db.ReservationLines.Where(l => ids.Contains(l.ReservationId)).LoadAsync(ct);
        }
    }

    private static string? DateArray(DateOnly[]? nights) =>
        nights is { Length: > 0 } ? "{" + string.Join(',', nights.Select(n => n.ToString("yyyy-MM-dd"))) + "}" : null;

    /// <summary>
    /// Locks the stock of the lines: pool lines' items in item-id order, then nightly lines' nights in (item, night)
    /// order (their items read without a lock). An unknown item or a night that does not exist is remembered as
    /// absent.
    /// </summary>
    private async Task LockStockAsync(IReadOnlyCollection<RequestedLine> lines, CancellationToken ct)
    {
        var pool = lines.Where(l => l.Stay is null).Select(l => l.ItemId).Distinct(StringComparer.Ordinal).ToArray();
        if (pool.Length > 0)
        {
            var found = await db.Items
                .FromSql($"SELECT *, xmin FROM inventory_items WHERE item_id = ANY({pool}) ORDER BY item_id FOR UPDATE")
                .ToDictionaryAsync(i => i.ItemId, StringComparer.Ordinal, ct);
            Remember(pool, found);
        }

        var nights = lines.SelectMany(l => l.Stay?.Nights().Select(n => (l.ItemId, Night: n)) ?? [])
            .Distinct().ToArray();
        if (nights.Length == 0)
        {
            return;
        }

        var nightly = nights.Select(n => n.ItemId).Distinct(StringComparer.Ordinal).Where(id => !_items.ContainsKey(id))
            .ToArray();
        var items = await db.Items
            .FromSql($"SELECT *, xmin FROM inventory_items WHERE item_id = ANY({nightly})")
            .AsNoTracking()
            .ToDictionaryAsync(i => i.ItemId, StringComparer.Ordinal, ct);
        Remember(nightly, items);
        var locked = await db.ItemNights
            .FromSql($"""
                SELECT n.* FROM item_nights n
                WHERE (n.item_id, n.night) IN (
                    SELECT * FROM unnest(
                        {nights.Select(n => n.ItemId).ToArray()}, {nights.Select(n => n.Night).ToArray()}))
                ORDER BY n.item_id, n.night
                FOR UPDATE
                """)
            .ToDictionaryAsync(n => (n.ItemId, n.Night), ct);
        foreach (var key in nights)
        {
            _nights[key] = locked.GetValueOrDefault(key);
        }
    }

    private void Remember(IEnumerable<string> ids, Dictionary<string, InventoryItem> found)
    {
        foreach (var id in ids)
        {
            _items[id] = found.GetValueOrDefault(id);
        }
    }

    /// <summary>The nights whose counters changed, in one statement (their rows are locked).</summary>
    private async Task FlushNightsAsync(CancellationToken ct)
    {
        var changed = db.ChangeTracker.Entries<ItemNight>().Where(e => e.State == EntityState.Modified).ToList();
        if (changed.Count == 0)
        {
            return;
        }

        var n = changed.Select(e => e.Entity).ToList();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE item_nights AS n
            SET held = u.held, confirmed = u.confirmed, low_stock_alerted = u.low_stock_alerted,
                updated_at = u.updated_at
            FROM unnest({n.Select(x => x.ItemId).ToArray()}, {n.Select(x => x.Night).ToArray()},
                        {n.Select(x => x.Held).ToArray()}, {n.Select(x => x.Confirmed).ToArray()},
                        {n.Select(x => x.LowStockAlerted).ToArray()}, {n.Select(x => x.UpdatedAt).ToArray()})
                AS u(item_id, night, held, confirmed, low_stock_alerted, updated_at)
            WHERE n.item_id = u.item_id AND n.night = u.night
            """, ct);
        foreach (var entry in changed)
        {
            entry.State = EntityState.Unchanged;
        }
    }
}
