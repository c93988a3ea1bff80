using System.Text.Json;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Stock;

/// <summary>What an admin change of a calendar came to: applied, or refused (nights that cannot take it).</summary>
public sealed record CalendarChangeResult(
    CalendarChange? Change, IReadOnlyList<NightChange> Nights, IReadOnlyList<NightConflict> Conflicts);

/// <param name="Item">The nightly item whose nights change (as the caller read it).</param>
public sealed record CalendarChangeCommand(
    InventoryItem Item, CalendarChangeRequest Request, string PerformedBy, string CorrelationId);

/// <summary>A calendar read: the nightly item, the range it covers, and the nights of it that exist.</summary>
public sealed record CalendarRead(InventoryItem Item, DateOnly From, DateOnly To, IReadOnlyList<ItemNight> Nights);

/// <summary>
/// The nights of nightly items: created with the item up to the horizon and rolled forward by
/// <see cref="CalendarHorizonJob"/>, read by the calendar and the stay search, changed by admins (audited).
/// </summary>
public sealed class Calendar(
    InventoryDbContext db, UnitOfWork unitOfWork, Outbox outbox, StayRules stays, ItemCatalogue catalogue,
    IOptions<NightlyOptions> options, TimeProvider time)
{
    private NightlyOptions Settings => options.Value;

    /// <summary>
    /// A new item's time zone: a nightly item's (given, or the default), checked; none for a pool.
    /// </summary>
    public TimeZoneInfo? CheckTimeZone(ItemKind kind, string? timeZone, ValidationErrors errors)
    {
        if (kind != ItemKind.Nightly)
        {
            if (timeZone is not null)
            {
                errors.Add("timeZone", "Only a Nightly item has a time zone.");
            }

            return null;
        }

        // IANA ids only: PostgreSQL computes "today" in the item's zone too, and knows no Windows ids.
        var id = timeZone ?? Settings.DefaultTimeZone;
        var zone = id.Length <= Identifiers.MaxLength ? ItemCatalogue.Zone(id) : null;
        if (zone is not { HasIanaId: true })
        {
            errors.Add("timeZone", $"'{LogText(id)}' is not a known IANA time zone id (like Europe/Paris or UTC).");
            return null;
        }

        return zone;
    }

    /// <summary>
    /// Inserts the item (false: its id exists) and, for a nightly item, its nights from today to the horizon, in one
    /// transaction. The insert cannot fail on a duplicate (<c>ON CONFLICT DO NOTHING</c>): a unique violation would be
    /// logged as a failed command by EF Core.
    /// </summary>
    public async Task<bool> CreateAsync(InventoryItem item, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO inventory_items (item_id, name, location, total, reserved, low_stock_threshold,
                                         low_stock_alerted, kind, time_zone, created_at, updated_at)
            VALUES ({item.ItemId}, {item.Name}, {item.Location}, {item.Total}, 0, {item.LowStockThreshold}, false,
                    {item.Kind.ToString()}, {item.TimeZone}, {item.CreatedAt}, {item.UpdatedAt})
            ON CONFLICT (item_id) DO NOTHING
            """, ct);
        if (inserted > 0 && item.Kind == ItemKind.Nightly)
        {
            await ExtendHorizonAsync(item.ItemId, ct);
        }

        await transaction.CommitAsync(ct);
        if (inserted > 0)
        {
            catalogue.Remember(item.ItemId, item.Kind, item.TimeZone);
        }

        return inserted > 0;
    }

    /// <summary>
    /// Adds the nights that came into the horizon (after an item's last night, from today in its zone, up to
    /// <see cref="NightlyOptions.HorizonDays"/> ahead) with the item's <c>total</c> as capacity; one item, or every
    /// nightly item when <paramref name="itemId"/> is null. Returns how many nights were added.
    /// </summary>
    public Task<int> ExtendHorizonAsync(string? itemId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO item_nights (item_id, night, capacity, held, confirmed, closed, min_stay, overbooking_allowance,
                                     low_stock_alerted, updated_at)
            SELECT i.item_id, d::date, i.total, 0, 0, false, 1, 0, false, {time.GetUtcNow()}
            FROM inventory_items i
            CROSS JOIN LATERAL (SELECT ({time.GetUtcNow()} AT TIME ZONE i.time_zone)::date AS today) t
            CROSS JOIN LATERAL generate_series(
                GREATEST(t.today, (SELECT max(n.night) + 1 FROM item_nights n WHERE n.item_id = i.item_id)),
                t.today + {Settings.HorizonDays} - 1, interval '1 day') d
            WHERE i.kind = 'Nightly' AND ({itemId}::text IS NULL OR i.item_id = {itemId})
            ON CONFLICT (item_id, night) DO NOTHING
            """, ct);

    /// <summary>The nights of the lines' stays as they are now (no locks; for availability checks).</summary>
    public static async Task<Dictionary<(string ItemId, DateOnly Night), ItemNight>> ReadNightsAsync(
        InventoryDbContext db, IEnumerable<RequestedLine> lines, CancellationToken ct)
    {
        var keys = lines.SelectMany(l => l.Stay?.Nights().Select(n => (l.ItemId, Night: n)) ?? []).Distinct().ToArray();
        if (keys.Length == 0)
        {
            return [];
        }

        return await db.ItemNights
            .FromSql($"""
                SELECT n.* FROM item_nights n
                WHERE (n.item_id, n.night) IN (
                    SELECT * FROM unnest({keys.Select(k => k.ItemId).ToArray()}, {keys.Select(k => k.Night).ToArray()}))
                """)
            .AsNoTracking()
            .ToDictionaryAsync(n => (n.ItemId, n.Night), ct);
    }

    /// <summary>
    /// The item's nights in <c>[from, to)</c> (<see cref="Range"/>; none when it is invalid); null when the item does
    /// not exist or is not nightly.
    /// </summary>
    public async Task<CalendarRead?> ReadAsync(
        string itemId, DateOnly? from, DateOnly? to, ValidationErrors errors, CancellationToken ct)
    {
        var item = await db.Items.AsNoTracking().SingleOrDefaultAsync(i => i.ItemId == itemId, ct);
        if (item is not { Kind: ItemKind.Nightly })
        {
            return null;
        }

        var (first, end) = Range(item, from, to, defaultNights: 30, errors);
        if (!errors.IsEmpty)
        {
            return new CalendarRead(item, first, end, []);
        }

        var nights = await db.ItemNights.AsNoTracking()
            .Where(n => n.ItemId == itemId && n.Night >= first && n.Night < end).OrderBy(n => n.Night).ToListAsync(ct);
        return new CalendarRead(item, first, end, nights);
    }

    /// <summary>Today in a nightly item's time zone.</summary>
    public DateOnly Today(InventoryItem item) => stays.Today(ItemCatalogue.Zone(item.TimeZone!)!);

    /// <summary>
    /// The <c>[from, to)</c> a calendar call covers: <c>from</c> defaults to today in the item's zone, <c>to</c> to
    /// <paramref name="defaultNights"/> later; at most <see cref="NightlyOptions.MaxCalendarNights"/> nights.
    /// </summary>
    public (DateOnly From, DateOnly To) Range(
        InventoryItem item, DateOnly? from, DateOnly? to, int? defaultNights, ValidationErrors errors)
    {
        var first = from ?? Today(item);
        if (to is null && defaultNights is null)
        {
            errors.Add("to", "to is required (exclusive: the night after the last one).");
            return (first, first);
        }

        var end = to ?? first.AddDays(defaultNights!.Value);
        if (end <= first)
        {
            errors.Add("to", "to must be after from (to is exclusive).");
        }
        else if (end.DayNumber - first.DayNumber > NightlyOptions.MaxCalendarNights)
        {
            errors.Add("to", $"At most {NightlyOptions.MaxCalendarNights} nights per call.");
        }

        return (first, end);
    }

    /// <summary>
    /// Sets the asked settings on the item's nights in the range (and weekdays), under their locks in night order,
    /// with the audit row and per-night low-stock alerts in the same transaction. Refused as a whole when a night would
    /// hold and sell more than its new capacity plus allowance.
    /// </summary>
    public Task<CalendarChangeResult> ChangeAsync(
        CalendarChangeCommand command, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteAsync(async ct =>
        {
            var (item, request) = (command.Item, command.Request);
            var nights = await db.ItemNights
                .FromSql($"""
                    SELECT * FROM item_nights WHERE item_id = {item.ItemId} AND night >= {from} AND night < {to}
                    ORDER BY item_id, night FOR UPDATE
                    """)
                .ToListAsync(ct);
            var selected = nights
                .Where(n => request.Weekdays is not { Count: > 0 } days || days.Contains(n.Night.DayOfWeek))
                .ToList();
            var conflicts = selected
                .Where(n => (request.Capacity ?? n.Capacity) + (request.OverbookingAllowance ?? n.OverbookingAllowance)
                    < n.Held + n.Confirmed)
                .Select(n => new NightConflict(n.Night, n.Held, n.Confirmed, request.Capacity ?? n.Capacity,
                    request.OverbookingAllowance ?? n.OverbookingAllowance))
                .ToList();
            if (conflicts.Count > 0)
            {
                return new CalendarChangeResult(null, [], conflicts);
            }

            var now = time.GetUtcNow();
            var changes = new List<NightChange>();
            foreach (var night in selected)
            {
                var before = NightSettings.Of(night);
                night.Capacity = request.Capacity ?? night.Capacity;
                night.Closed = request.Closed ?? night.Closed;
                night.MinStay = request.MinStay ?? night.MinStay;
                night.OverbookingAllowance = request.OverbookingAllowance ?? night.OverbookingAllowance;
                var after = NightSettings.Of(night);
                if (after != before)
                {
                    night.UpdatedAt = now;
                    changes.Add(new NightChange(night.Night, before, after));
                    outbox.LowStockIfCrossed(item, night, command.CorrelationId);
                }
            }

            var change = new CalendarChange
            {
                ItemId = item.ItemId,
                From = from,
                To = to,
                Request = JsonSerializer.Serialize(request, ContractJson.Options),
                Nights = JsonSerializer.Serialize(changes, ContractJson.Options),
                ReasonCode = request.ReasonCode!.Value,
                Note = request.Note,
                PerformedBy = command.PerformedBy,
                OccurredAt = now,
            };
            db.CalendarChanges.Add(change);
            return new CalendarChangeResult(change, changes, []);
        }, cancellationToken, idempotent: false); // the audit row has no key that makes a second run a no-op

    /// <summary>
    /// The nightly items that can take <paramref name="quantity"/> units for every night of the stay (each night on
    /// sale, open, with room; the first night's minimum stay met; the stay not in the past in the item's zone), by item
    /// id, with the lowest availability over the stay.
    /// </summary>
    public async Task<StayOfferPage> SearchAsync(
        Stay stay, int quantity, string? location, int page, int pageSize, CancellationToken ct)
    {
        var rows = await db.Database.SqlQuery<OfferRow>($"""
            SELECT i.item_id AS "ItemId", i.name AS "Name", i.location AS "Location", i.time_zone AS "TimeZone",
                   min(n.capacity + n.overbooking_allowance - n.held - n.confirmed) AS "Available",
                   count(*) OVER () AS "TotalCount"
            FROM inventory_items i
            JOIN item_nights n ON n.item_id = i.item_id AND n.night >= {stay.CheckIn} AND n.night < {stay.CheckOut}
            WHERE i.kind = 'Nightly' AND ({location}::text IS NULL OR i.location = {location})
              AND {stay.CheckIn} >= ({time.GetUtcNow()} AT TIME ZONE i.time_zone)::date
            GROUP BY i.item_id, i.name, i.location, i.time_zone
            HAVING count(*) = {stay.Length} AND NOT bool_or(n.closed)
               AND min(n.capacity + n.overbooking_allowance - n.held - n.confirmed) >= {quantity}
               AND max(n.min_stay) FILTER (WHERE n.night = {stay.CheckIn}) <= {stay.Length}
            ORDER BY i.item_id
            LIMIT {pageSize} OFFSET {(page - 1) * pageSize}
            """).ToListAsync(ct);
        return new StayOfferPage(stay.CheckIn, stay.CheckOut, quantity,
            [.. rows.Select(r => new StayOffer(r.ItemId, r.Name, r.Location, r.TimeZone, r.Available))], page, pageSize,
            rows.Count > 0 ? (int)rows[0].TotalCount : 0);
    }

    private static string LogText(string text) => Observability.LogText.Clean(text) ?? "";

    private sealed record OfferRow(
        string ItemId, string Name, string Location, string TimeZone, int Available, long TotalCount);
}
