using System.Text.Json;
using System.Threading.Channels;
using BookingSystem.Cli.Messaging.Simulation;
using BookingSystem.Contracts;
using Npgsql;

namespace BookingSystem.Cli.Bench;

/// <summary>
/// The database ceiling: the SQL the InventoryService runs per booking (and per payment), driven straight from
/// <see cref="Connections"/> connections with no broker and no EF Core. Per transaction, as
/// <c>ReservationService</c> and <c>UnitOfWork</c> do it: the inbox row, the key lock per booking, the look-up
/// of an existing reservation and of a payment that came first, <c>SELECT ... FOR UPDATE</c> of the items in id
/// order (for nightly lines, as the service's <c>LockSession</c>: their items read without a lock, then every (item,
/// night) of their stays locked once, in (item, night) order, with one <c>unnest</c> statement), then in one round
/// trip the reservation, its lines, the counters (items' and nights') and the outbox row; commit. A payment
/// locks its reservation (and, for a release, the items), records the payment outcome, moves the status and
/// writes the outbox row. Up to <see cref="Batch"/> bookings share one transaction (what is waiting, as the service
/// takes a batch from its buffer); the statements are set-based (<c>unnest</c>), as the service writes them.
/// </summary>
public sealed class DbCeiling(string name, NpgsqlDataSource dataSource, int connections, int batch, TimeProvider time) : IBenchTarget
{
    public const int RetryAttempts = 5;

    // ReservationStatus as the service stores it.
    private const string ReservedStatus = "Reserved";
    private const string ConfirmedStatus = "Confirmed";
    private const string ReleasedStatus = "Released";

    private readonly Channel<BenchWork> _work = Channel.CreateUnbounded<BenchWork>(new UnboundedChannelOptions { SingleReader = false });
    private readonly List<Task> _workers = [];
    private readonly CancellationTokenSource _stop = new();
    private CancellationTokenRegistration _limit;
    private Action<ObservedEvent, long> _onOutcome = (_, _) => { };
    private string? _failure;

    public string Name { get; } = name;

    public int Connections { get; } = connections;

    public int Batch { get; } = batch;

    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>None: the ceiling's connections are driven from the bench process.</summary>
    public int? ProcessId => null;

    public Task PrepareAsync(Action<ObservedEvent, long> onOutcome, bool drain, CancellationToken ct)
    {
        _onOutcome = onOutcome;
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken ct)
    {
        // The workers outlive the caller's token (the phase ends, then the ceiling is disposed): they stop on _stop.
        _limit = ct.Register(_stop.Cancel);
        for (var i = 0; i < Connections; i++)
        {
            _workers.Add(Task.Run(() => WorkAsync(_stop.Token), CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    public Task SendAsync(BenchWork work, CancellationToken ct) => _work.Writer.WriteAsync(work, ct).AsTask();

    public TargetStats Stats() => TargetStats.None;

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_workers);
        }
        catch (OperationCanceledException)
        {
            // The phase's time limit stopped the workers.
        }

        await _limit.DisposeAsync();
        _stop.Dispose();
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var reservations = new List<BenchWork>(Batch);
            var payments = new List<BenchWork>(Batch);
            while (await _work.Reader.WaitToReadAsync(ct))
            {
                reservations.Clear();
                payments.Clear();
                while (reservations.Count + payments.Count < Batch && _work.Reader.TryRead(out var work))
                {
                    (work.IsPayment ? payments : reservations).Add(work);
                }

                if (reservations.Count > 0)
                {
                    Report(await WithRetryAsync(() => ReserveAsync(connection, reservations, ct)));
                }

                if (payments.Count > 0)
                {
                    Report(await WithRetryAsync(() => PayAsync(connection, payments, ct)));
                }
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // PostgreSQL messages carry a DETAIL line: one line is enough for the report.
            Interlocked.CompareExchange(ref _failure, $"DB ceiling: {(e is PostgresException pg ? $"{pg.SqlState} {pg.MessageText}" : e.Message)}", null);
        }
    }

    private void Report(IEnumerable<ObservedEvent> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            _onOutcome(outcome, time.GetTimestamp());
        }
    }

    /// <summary>Deadlocks and serialization failures roll the transaction back: run it again, as <c>DatabaseRetry</c> does.</summary>
    private static async Task<T> WithRetryAsync<T>(Func<Task<T>> transaction)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction();
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                && attempt < RetryAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt));
            }
        }
    }

    private async Task<List<ObservedEvent>> ReserveAsync(NpgsqlConnection connection, IReadOnlyList<BenchWork> works, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var bookings = works.Select(w => w.Booking).ToList();
        var bookingIds = bookings.Select(b => b.BookingId).ToArray();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await RecordInboxAsync(connection, works.Select(_ => Topology.BookingCreatedQueue), now, ct);
        await LockBookingsAsync(connection, bookingIds, ct);
        var existing = await ReadStringsAsync(connection,
            "SELECT r.booking_id FROM reservations r LEFT JOIN reservation_lines l ON l.reservation_id = r.id WHERE r.booking_key = ANY($1)", bookingIds, ct);
        await ReadStringsAsync(connection, "SELECT booking_id FROM payment_outcomes WHERE booking_id = ANY($1) FOR UPDATE", bookingIds, ct);
        var lines = bookings.SelectMany(b => b.Lines).ToList();
        var items = await LockItemsAsync(connection, lines.Where(l => l.CheckIn is null).Select(l => l.ItemId), ct);
        var (nightlyItems, nights) =
            await LockNightsAsync(connection, [.. lines.Where(l => l.CheckIn is not null)], ct);

        var writes = new Writes(now);
        var outcomes = new List<ObservedEvent>();
        foreach (var booking in bookings.Where(b => !existing.Contains(b.BookingId)))
        {
            var eventId = Guid.CreateVersion7(now).ToString();
            var missing = booking.Lines.Any(l =>
                l.CheckIn is null ? !items.ContainsKey(l.ItemId) : !nightlyItems.Contains(l.ItemId));
            if (missing || !Fits(booking, items, nights))
            {
                var reason = missing ? ReservationFailureReasons.UnknownItem : ReservationFailureReasons.InsufficientStock;
                writes.Outbox(eventId, RoutingKeys.InventoryReservationFailed, EventTypes.InventoryReservationFailed, booking.CorrelationId,
                    new InventoryReservationFailed(booking.BookingId, reason, [.. booking.Lines.Select(l => new LineShortfall(l.ItemId, l.Quantity, null, reason))]));
                outcomes.Add(new ObservedEvent(EventTypes.InventoryReservationFailed, eventId, booking.BookingId, reason, []));
                continue;
            }

            var reservationId = Guid.CreateVersion7(now);
            writes.Reservation(reservationId, booking, now.AddMinutes(BrokerTarget.HoldMinutes));
            foreach (var line in booking.Lines)
            {
                writes.Line(reservationId, line);
                if (line.CheckIn is null)
                {
                    items[line.ItemId].Reserved += line.Quantity;
                    continue;
                }

                foreach (var night in NightsOf(line))
                {
                    nights[(line.ItemId, night)]!.Held += line.Quantity;
                }
            }

            writes.Outbox(eventId, RoutingKeys.InventoryReserved, EventTypes.InventoryReserved, booking.CorrelationId,
                new InventoryReserved(booking.BookingId, OutcomeLine.Of(booking.Lines), now.AddMinutes(BrokerTarget.HoldMinutes)));
            outcomes.Add(new ObservedEvent(EventTypes.InventoryReserved, eventId, booking.BookingId, null, booking.Lines));
        }

        await writes.ExecuteAsync(connection, items.Values, nights.Values.OfType<LockedNight>(), ct);
        await transaction.CommitAsync(ct);
        return outcomes;
    }

    /// <summary>
    /// Whether every line can be had: a pool line's units from its item, a nightly line's on every night of its stay
    /// (the lines of a booking on one night add up), as the service's <c>Availability</c> decides. The ceiling does not
    /// tell the night rules apart (the bench's nights are open, with a minimum stay of 1 and room for every booking).
    /// </summary>
    private static bool Fits(
        PlannedBooking booking, Dictionary<string, LockedItem> items,
        Dictionary<(string ItemId, DateOnly Night), LockedNight?> nights) =>
        booking.Lines.Where(l => l.CheckIn is null).All(l => items[l.ItemId].Available >= l.Quantity)
        && booking.Lines.Where(l => l.CheckIn is not null)
            .SelectMany(l => NightsOf(l).Select(night => (Key: (l.ItemId, Night: night), Line: l)))
            .GroupBy(n => n.Key, n => n.Line)
            .All(g => nights[g.Key] is { Closed: false } night && night.Available >= g.Sum(l => l.Quantity)
                && g.All(l => g.Key.Night != l.CheckIn || night.MinStay <= NightsOf(l).Count()));

    private static IEnumerable<DateOnly> NightsOf(BookingLine line)
    {
        for (var night = line.CheckIn!.Value; night < line.CheckOut!.Value; night = night.AddDays(1))
        {
            yield return night;
        }
    }

    private async Task<List<ObservedEvent>> PayAsync(NpgsqlConnection connection, IReadOnlyList<BenchWork> works, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var payments = works.Select(w => w.Payment!).ToList();
        var bookingIds = payments.Select(p => p.Booking.BookingId).ToArray();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await RecordInboxAsync(connection, payments.Select(p => p.Succeeds ? Topology.PaymentSucceededQueue : Topology.PaymentFailedQueue), now, ct);
        await LockBookingsAsync(connection, bookingIds, ct);
        var earlier = await ReadStringsAsync(connection, "SELECT booking_id FROM payment_outcomes WHERE booking_id = ANY($1) FOR UPDATE", bookingIds, ct);
        var reservations = new Dictionary<string, (Guid Id, string Status)>(StringComparer.Ordinal);
        await using (var command = Command(connection, "SELECT id, booking_id, status FROM reservations WHERE booking_key = ANY($1) FOR UPDATE", [bookingIds]))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                reservations[reader.GetString(1)] = (reader.GetGuid(0), reader.GetString(2));
            }
        }

        var lines = new List<(Guid ReservationId, string ItemId, int Quantity)>();
        await using (var command = Command(connection, "SELECT reservation_id, item_id, quantity FROM reservation_lines WHERE reservation_id = ANY($1)",
            [reservations.Values.Select(r => r.Id).ToArray()]))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                lines.Add((reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2)));
            }
        }

        var applicable = payments.Where(p => !earlier.Contains(p.Booking.BookingId)
            && reservations.TryGetValue(p.Booking.BookingId, out var r) && r.Status == ReservedStatus).ToList();
        var released = applicable.Where(p => !p.Succeeds).Select(p => reservations[p.Booking.BookingId].Id).ToHashSet();
        // A confirmation keeps the stock where it is, so only releases lock items (TransitionLockedAsync does the same).
        var items = released.Count == 0
            ? []
            : await LockItemsAsync(connection, lines.Where(l => released.Contains(l.ReservationId)).Select(l => l.ItemId), ct);

        var writes = new Writes(now);
        var outcomes = new List<ObservedEvent>();
        foreach (var payment in applicable)
        {
            var booking = payment.Booking;
            var reservationId = reservations[booking.BookingId].Id;
            var eventId = Guid.CreateVersion7(now).ToString();
            writes.Payment(booking, payment.Succeeds, Guid.CreateVersion7(now).ToString());
            writes.Transition(reservationId, payment.Succeeds ? ConfirmedStatus : ReleasedStatus, payment.Succeeds ? null : ReleaseReasons.PaymentFailed);
            if (payment.Succeeds)
            {
                writes.Outbox(eventId, RoutingKeys.InventoryConfirmed, EventTypes.InventoryConfirmed, booking.CorrelationId,
                    new InventoryConfirmed(booking.BookingId, OutcomeLine.Of(booking.Lines)));
                outcomes.Add(new ObservedEvent(EventTypes.InventoryConfirmed, eventId, booking.BookingId, null, booking.Lines));
                continue;
            }

            foreach (var line in lines.Where(l => l.ReservationId == reservationId))
            {
                items[line.ItemId].Reserved -= line.Quantity;
            }

            writes.Outbox(eventId, RoutingKeys.InventoryReleased, EventTypes.InventoryReleased, booking.CorrelationId,
                new InventoryReleased(booking.BookingId, ReleaseReasons.PaymentFailed, OutcomeLine.Of(booking.Lines)));
            outcomes.Add(new ObservedEvent(EventTypes.InventoryReleased, eventId, booking.BookingId, ReleaseReasons.PaymentFailed, booking.Lines));
        }

        await writes.ExecuteAsync(connection, items.Values, [], ct);
        await transaction.CommitAsync(ct);
        return outcomes;
    }

    /// <summary>The consumed events' inbox rows (their ids are new: the ceiling never sees a copy).</summary>
    private static async Task RecordInboxAsync(NpgsqlConnection connection, IEnumerable<string> consumers, DateTimeOffset now, CancellationToken ct)
    {
        var queues = consumers.ToArray();
        await using var command = Command(connection,
            "INSERT INTO inbox_messages (consumer, event_id, processed_at) SELECT c, e, $3 FROM unnest($1::text[], $2::text[]) AS t(c, e) ON CONFLICT DO NOTHING",
            [queues, queues.Select(_ => Guid.CreateVersion7(now).ToString()).ToArray(), now]);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// One key lock per booking as the service takes them (its <c>Data/KeyLocks.cs</c>; the hash is computed by the
    /// server here): the keys' hashes inserted into the unlogged <c>key_locks</c> in hash order and deleted again, in
    /// one round trip.
    /// </summary>
    private static async Task LockBookingsAsync(NpgsqlConnection connection, string[] bookingIds, CancellationToken ct)
    {
        var keys = bookingIds.Distinct(StringComparer.Ordinal).ToArray();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("INSERT INTO key_locks (lock_key) SELECT DISTINCT hashtextextended(b, 0) FROM unnest($1::text[]) AS b ORDER BY 1")
                {
                    Parameters = { new NpgsqlParameter { Value = keys } },
                },
                new("DELETE FROM key_locks WHERE lock_key IN (SELECT hashtextextended(b, 0) FROM unnest($1::text[]) AS b)")
                {
                    Parameters = { new NpgsqlParameter { Value = keys } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Pool items, locked in id order; no statement when the lines name none (as the service).</summary>
    private static async Task<Dictionary<string, LockedItem>> LockItemsAsync(NpgsqlConnection connection, IEnumerable<string> itemIds, CancellationToken ct)
    {
        var items = new Dictionary<string, LockedItem>(StringComparer.Ordinal);
        var ids = itemIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0)
        {
            return items;
        }

        await using var command = Command(connection,
            "SELECT id, item_id, total, reserved FROM inventory_items WHERE item_id = ANY($1) ORDER BY item_id FOR UPDATE",
            [ids]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items[reader.GetString(1)] = new LockedItem(reader.GetInt64(0), reader.GetInt32(2)) { Reserved = reader.GetInt32(3) };
        }

        return items;
    }

    /// <summary>
    /// The nightly lines' stock as the service's <c>LockSession</c> locks it: their items read without a lock, then
    /// every (item, night) of their stays locked once, in (item, night) order, in one statement; a night that does not
    /// exist is absent (null). No statement when there is no nightly line.
    /// </summary>
    private static async Task<(HashSet<string> Items, Dictionary<(string ItemId, DateOnly Night), LockedNight?> Nights)>
        LockNightsAsync(NpgsqlConnection connection, IReadOnlyList<BookingLine> lines, CancellationToken ct)
    {
        var keys = lines.SelectMany(l => NightsOf(l).Select(night => (l.ItemId, Night: night))).Distinct().ToArray();
        var nights = keys.ToDictionary(k => k, _ => (LockedNight?)null);
        if (keys.Length == 0)
        {
            return ([], nights);
        }

        var items = await ReadStringsAsync(connection, "SELECT item_id FROM inventory_items WHERE item_id = ANY($1)",
            [.. keys.Select(k => k.ItemId).Distinct(StringComparer.Ordinal)], ct);
        await using var command = Command(connection, """
            SELECT n.item_id, n.night, n.capacity, n.held, n.confirmed, n.closed, n.min_stay, n.overbooking_allowance,
                   n.low_stock_alerted
            FROM item_nights n
            WHERE (n.item_id, n.night) IN (SELECT * FROM unnest($1::text[], $2::date[]))
            ORDER BY n.item_id, n.night
            FOR UPDATE
            """, [keys.Select(k => k.ItemId).ToArray(), keys.Select(k => k.Night).ToArray()]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (itemId, night) = (reader.GetString(0), reader.GetFieldValue<DateOnly>(1));
            nights[(itemId, night)] = new LockedNight(itemId, night, reader.GetInt32(2), reader.GetBoolean(5),
                reader.GetInt32(6), reader.GetInt32(7), reader.GetBoolean(8))
            {
                Held = reader.GetInt32(3),
                Confirmed = reader.GetInt32(4),
            };
        }

        return (items, nights);
    }

    private static async Task<HashSet<string>> ReadStringsAsync(NpgsqlConnection connection, string sql, string[] parameter, CancellationToken ct)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        await using var command = Command(connection, sql, [parameter]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, IReadOnlyList<object> parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private sealed class LockedItem(long id, int total)
    {
        public long Id { get; } = id;

        public int Reserved { get; set; }

        public int Available => total - Reserved;
    }

    /// <summary>A locked night of a nightly item; the ceiling writes its counters back (and its low-stock flag as read:
    /// the bench's nights never run low).</summary>
    private sealed class LockedNight(
        string itemId, DateOnly night, int capacity, bool closed, int minStay, int allowance, bool lowStockAlerted)
    {
        public string ItemId { get; } = itemId;

        public DateOnly Night { get; } = night;

        public bool Closed { get; } = closed;

        public int MinStay { get; } = minStay;

        public bool LowStockAlerted { get; } = lowStockAlerted;

        public int Held { get; set; }

        public int Confirmed { get; init; }

        public int Available => Closed ? 0 : Math.Max(0, capacity + allowance - Held - Confirmed);
    }

    /// <summary>
    /// What a transaction writes, collected row by row and sent as one batch of set-based statements (as EF Core's
    /// SaveChanges sends the service's inserts and updates in one round trip).
    /// </summary>
    private sealed class Writes(DateTimeOffset now)
    {
        private readonly List<Guid> _reservationIds = [];
        private readonly List<string> _bookingIds = [];
        private readonly List<string> _correlationIds = [];
        private readonly List<DateTimeOffset> _expiresAt = [];
        private readonly List<Guid> _lineReservations = [];
        private readonly List<BookingLine> _lines = [];
        private readonly List<(string BookingId, string Result, string EventId, string CorrelationId)> _payments = [];
        private readonly List<(Guid Id, string Status, string? Reason)> _transitions = [];
        private readonly List<(string EventId, string RoutingKey, string EventType, string CorrelationId, string Payload)> _outbox = [];

        public void Reservation(Guid id, PlannedBooking booking, DateTimeOffset expiresAt)
        {
            _reservationIds.Add(id);
            _bookingIds.Add(booking.BookingId);
            _correlationIds.Add(booking.CorrelationId);
            _expiresAt.Add(expiresAt);
        }

        public void Line(Guid reservationId, BookingLine line)
        {
            _lineReservations.Add(reservationId);
            _lines.Add(line);
        }

        public void Payment(PlannedBooking booking, bool succeeded, string eventId) =>
            _payments.Add((booking.BookingId, succeeded ? "Succeeded" : "Failed", eventId, booking.CorrelationId));

        public void Transition(Guid reservationId, string status, string? reason) => _transitions.Add((reservationId, status, reason));

        public void Outbox<T>(string eventId, string routingKey, string eventType, string correlationId, T data) =>
            _outbox.Add((eventId, routingKey, eventType, correlationId,
                JsonSerializer.Serialize(new EventEnvelope<T>(eventId, eventType, correlationId, now, data), ContractJson.Options)));

        public async Task ExecuteAsync(
            NpgsqlConnection connection, IEnumerable<LockedItem> changedItems, IEnumerable<LockedNight> changedNights,
            CancellationToken ct)
        {
            await using var batch = new NpgsqlBatch(connection);
            if (_reservationIds.Count > 0)
            {
                Add(batch, """
                    INSERT INTO reservations (id, booking_id, booking_key, user_id, status, created_at, expires_at, correlation_id)
                    SELECT id, b, b, $3, $4, $5, x, c FROM unnest($1::uuid[], $2::text[], $6::timestamptz[], $7::text[]) AS t(id, b, x, c)
                    """, [_reservationIds.ToArray(), _bookingIds.ToArray(), BrokerTarget.UserId, ReservedStatus, now, _expiresAt.ToArray(), _correlationIds.ToArray()]);
                // No bench night has an overbooking allowance, so no line has overbooked nights: all null.
                Add(batch, """
                    INSERT INTO reservation_lines (reservation_id, item_id, quantity, check_in, check_out,
                                                   overbooked_nights)
                    SELECT u.id, u.item_id, u.quantity, u.check_in, u.check_out, u.overbooked::date[]
                    FROM unnest($1::uuid[], $2::text[], $3::int[], $4::date[], $5::date[], $6::text[])
                        AS u(id, item_id, quantity, check_in, check_out, overbooked)
                    """, [_lineReservations.ToArray(), _lines.Select(l => l.ItemId).ToArray(),
                    _lines.Select(l => l.Quantity).ToArray(), _lines.Select(l => l.CheckIn).ToArray(),
                    _lines.Select(l => l.CheckOut).ToArray(), new string?[_lines.Count]]);
            }

            if (_payments.Count > 0)
            {
                Add(batch, """
                    INSERT INTO payment_outcomes (booking_id, result, event_id, correlation_id, received_at, applied_at)
                    SELECT b, r, e, c, $5, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(b, r, e, c)
                    """, [_payments.Select(p => p.BookingId).ToArray(), _payments.Select(p => p.Result).ToArray(),
                    _payments.Select(p => p.EventId).ToArray(), _payments.Select(p => p.CorrelationId).ToArray(), now]);
            }

            if (_transitions.Count > 0)
            {
                Add(batch, """
                    UPDATE reservations AS r SET status = v.s,
                        confirmed_at = CASE WHEN v.s = 'Confirmed' THEN $4 END, released_at = CASE WHEN v.s = 'Released' THEN $4 END, release_reason = v.why
                    FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, s, why) WHERE r.id = v.id
                    """, [_transitions.Select(t => t.Id).ToArray(), _transitions.Select(t => t.Status).ToArray(),
                    _transitions.Select(t => t.Reason).ToArray(), now]);
            }

            var items = changedItems.ToList();
            if (items.Count > 0)
            {
                Add(batch, "UPDATE inventory_items AS i SET reserved = v.r, updated_at = $3 FROM unnest($1::bigint[], $2::int[]) AS v(id, r) WHERE i.id = v.id",
                    [items.Select(i => i.Id).ToArray(), items.Select(i => i.Reserved).ToArray(), now]);
            }

            var nights = changedNights.ToList();
            if (nights.Count > 0)
            {
                Add(batch, """
                    UPDATE item_nights AS n
                    SET held = u.held, confirmed = u.confirmed, low_stock_alerted = u.low_stock_alerted,
                        updated_at = u.updated_at
                    FROM unnest($1::text[], $2::date[], $3::int[], $4::int[], $5::bool[], $6::timestamptz[])
                        AS u(item_id, night, held, confirmed, low_stock_alerted, updated_at)
                    WHERE n.item_id = u.item_id AND n.night = u.night
                    """, [nights.Select(n => n.ItemId).ToArray(), nights.Select(n => n.Night).ToArray(),
                    nights.Select(n => n.Held).ToArray(), nights.Select(n => n.Confirmed).ToArray(),
                    nights.Select(n => n.LowStockAlerted).ToArray(), nights.Select(_ => now).ToArray()]);
            }

            if (_outbox.Count > 0)
            {
                Add(batch, """
                    INSERT INTO outbox_messages (event_id, event_type, routing_key, correlation_id, payload, occurred_at, attempts)
                    SELECT e, t, k, c, p, $6, 0 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(e, t, k, c, p)
                    """, [_outbox.Select(o => o.EventId).ToArray(), _outbox.Select(o => o.EventType).ToArray(), _outbox.Select(o => o.RoutingKey).ToArray(),
                    _outbox.Select(o => o.CorrelationId).ToArray(), _outbox.Select(o => o.Payload).ToArray(), now]);
            }

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(ct);
            }
        }

        private static void Add(NpgsqlBatch batch, string sql, IReadOnlyList<object> parameters) =>
            batch.BatchCommands.Add(BenchSql.Statement(sql, parameters));
    }
}
