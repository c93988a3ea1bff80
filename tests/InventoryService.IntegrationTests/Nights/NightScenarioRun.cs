using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using BookingSystem.InventoryService.Reservations;
using BookingSystem.InventoryService.Stock;
using Microsoft.Extensions.DependencyInjection;

namespace BookingSystem.InventoryService.IntegrationTests.Nights;

/// <summary>
/// Runs one generated scenario against the service and the <see cref="NightsModel"/> side by side, on fresh items: each
/// operation's answer (HTTP status and body, or the events a message caused, read from the outbox by causation id
/// once the inbox shows the message processed) must be the model's, and after each step so must the calendar of every
/// item, the status and stored overbooked nights of every booking and the low-stock alerts of every night. Throws at
/// the first difference, with the steps so far and both calendars.
/// </summary>
public sealed partial class NightScenarioRun
{
    private readonly MessagingEnvironment _env;
    private readonly NightScenario _scenario;
    private readonly ConcurrentDictionary<string, int> _tally;
    private readonly ConcurrentDictionary<string, HttpClient> _users;
    private readonly NightlyApi _api;
    private readonly NightsDatabase _db;
    private readonly NightsModel _model;
    private readonly string _run = EventProbe.NewId()[..10];
    private readonly List<Booking> _bookings = [];
    private readonly List<string> _history = [];
    private string[] _items = [];
    private DateOnly _start;
    private string[] _held = []; // the bookings whose status was Reserved after the last step

    public NightScenarioRun(
        MessagingEnvironment env, NightScenario scenario, ConcurrentDictionary<string, int> tally,
        ConcurrentDictionary<string, HttpClient> users, int windowNights)
    {
        _env = env;
        _scenario = scenario;
        _tally = tally;
        _users = users;
        _api = new NightlyApi(env.Service);
        _db = new NightsDatabase(env.Database.ConnectionString);
        _model = new NightsModel(scenario.Capacities, windowNights, scenario.LowStockThreshold);
    }

    private int Window => _model.WindowNights;

    /// <summary>The scenario's items' location: the stay search filtered by it sees only them.</summary>
    private string Location => "model-" + _run;

    /// <summary>Runs every operation, checking after each; returns how many ran.</summary>
    public async Task<int> RunAsync(int daysAhead)
    {
        _start = _api.Today.AddDays(daysAhead);
        _items = [.. _scenario.Capacities.Select((_, i) => $"model-{_run}-{(char)('a' + i)}")];
        for (var i = 0; i < _items.Length; i++)
        {
            await _api.CreateItemAsync(_items[i], _scenario.Capacities[i], Location, _scenario.LowStockThreshold);
            if (_scenario.Allowance > 0)
            {
                await _api.ChangeCalendarOrFailAsync(_items[i],
                    NightlyApi.Change(_start, _start.AddDays(Window), overbookingAllowance: _scenario.Allowance));
                _model.ChangeCalendar(i, 0, Window, null, _start, null, null, null, _scenario.Allowance);
            }
        }

        for (var step = 0; step < _scenario.Ops.Length; step++)
        {
            var op = _scenario.Ops[step];
            var (expected, actual) = await ApplyAsync(step, op);
            _history.Add($"{step,2}: {op} -> {actual}");
            _tally.AddOrUpdate(Category(op, expected), 1, (_, n) => n + 1);
            if (expected != actual)
            {
                await FailAsync(step, op, $"the answer differs:\n  expected {expected}\n  actual   {actual}");
            }

            await CompareAsync(step, op);
        }

        for (var i = 0; i < _items.Length; i++)
        {
            var sums = await _db.ActiveLineSumsAsync(_items[i], _start, _start.AddDays(Window));
            var calendar = await NightlyApi.CalendarAsync(_api.Admin, _items[i], _start, _start.AddDays(Window));
            if (!sums.Select(s => (s.Held, s.Confirmed)).SequenceEqual(calendar.Select(n => (n.Held, n.Confirmed))))
            {
                await FailAsync(_scenario.Ops.Length, null, $"item {(char)('A' + i)}: the nights' held/confirmed " +
                    $"{string.Join(" ", calendar.Select(n => $"{n.Held}/{n.Confirmed}"))} are not the sums of the " +
                    $"lines that hold them {string.Join(" ", sums.Select(s => $"{s.Held}/{s.Confirmed}"))}");
            }
        }

        _tally.AddOrUpdate("(low-stock alerts of nights, as due and as written)", _model.Alerts.Count,
            (_, n) => n + _model.Alerts.Count);
        return _scenario.Ops.Length;
    }

    private async Task<(string Expected, string Actual)> ApplyAsync(int step, NightOp op)
    {
        switch (op)
        {
            case ReserveOp reserve:
                var bookingId = $"b{step}-{_run}";
                var user = $"{_run}-u{reserve.User}";
                var booking = new Booking(bookingId, reserve.ByHttp ? BookingKey.Http(user, bookingId) : bookingId,
                    reserve.ByHttp ? user : null, reserve.Lines, NightsModel.Merge(reserve.Lines), reserve.HoldMinutes);
                _bookings.Add(booking);
                return await BookAsync(booking);
            case RepeatOp repeat when _bookings.Count > 0:
                return await BookAsync(_bookings[repeat.Target % _bookings.Count]);
            case PayOp pay when _bookings.Where(b => b.User is null).ToList() is { Count: > 0 } byMessage:
                var paid = byMessage[pay.Target % byMessage.Count];
                var expected = _model.Pay(paid.BookingId, pay.Succeeded);
                var eventId = await _env.Probe.PaymentAsync(paid.BookingId, pay.Succeeded);
                return (expected, await CausedAsync(eventId));
            case ReleaseOp release when _bookings.Count > 0:
                return await ReleaseAsync(
                    _bookings[release.Target % _bookings.Count], release.Manual ? "Manual" : "Cancelled");
            case AdvanceOp advance:
                _env.Time.Advance(TimeSpan.FromMinutes(advance.Minutes));
                var expired = _model.Expire(_env.Time.GetUtcNow());
                await SweepAsync();
                var statuses = await _db.ReservationsAsync([.. _held]);
                return ($"expired {expired}", $"expired {statuses.Values.Count(r => r.Status == "Expired")}");
            case CalendarOp change:
                var answer = _model.ChangeCalendar(change.Item, change.From, change.To, change.Weekdays, _start,
                    change.Capacity, change.Closed, change.MinStay, change.Allowance);
                string changed;
                using (var response = await _api.ChangeCalendarAsync(_items[change.Item], NightlyApi.Change(
                    _start.AddDays(change.From), _start.AddDays(change.To), change.Capacity, change.Closed,
                    change.MinStay, change.Allowance, change.Weekdays)))
                {
                    changed = await RenderCalendarChangeAsync(response);
                }

                // The audit trail: one row per applied change, naming each night it changed, before and after.
                var expectedAudit = $"audit #{_model.Audits[change.Item]}" +
                    (answer == "200" ? ": " + _model.LastAudit[change.Item] : "");
                return ($"{answer} {expectedAudit}", $"{changed} {await RenderAuditAsync(change.Item, changed)}");
            case ReadOp read:
                var merged = NightsModel.Merge(read.Lines);
                var expectedRead = $"{_model.Search(read.From, read.To, read.Quantity)} | {_model.Check(merged)}";
                return (expectedRead, $"{await SearchAsync(read)} | {await CheckAsync(read.Lines)}");

            default:
                return ("skipped: no booking to act on", "skipped: no booking to act on");
        }
    }

    /// <summary>A new booking, or the same request again: over HTTP by its user, or as a BookingCreated.</summary>
    private async Task<(string, string)> BookAsync(Booking booking)
    {
        var now = _env.Time.GetUtcNow();
        var lines = booking.Lines.Select(l => new BookingLine(_items[l.Item], l.Quantity, Date(l.From), Date(l.To)));
        if (booking.User is { } user)
        {
            var expected = _model.BookByHttp(booking.Key, user, booking.Merged, now, booking.HoldMinutes);
            var client = _users.GetOrAdd(user, u => _env.Service.CreateUserClient(u));
            using var response = await client.PostJsonAsync("/api/inventory/reserve",
                NightlyApi.ReserveBody(booking.BookingId, lines, booking.HoldMinutes));
            return (expected, await RenderReserveAsync(response));
        }

        var events = _model.BookByMessage(booking.BookingId, booking.Merged, now, booking.HoldMinutes);
        var eventId = await _env.Probe.PublishAsync(RoutingKeys.BookingCreated, EventTypes.BookingCreated,
            NightlyApi.BookingCreatedData(booking.BookingId, lines, booking.HoldMinutes));
        return (events, await CausedAsync(eventId));
    }

    private async Task<(string, string)> ReleaseAsync(Booking booking, string reason)
    {
        var expected = _model.Release(booking.Key, reason);
        var client = booking.User is { } user
            ? _users.GetOrAdd(user, u => _env.Service.CreateUserClient(u))
            : _api.Admin;
        using var response = await client.PostJsonAsync("/api/inventory/release",
            new { bookingId = booking.BookingId, reason });
        var body = await response.Content.ReadAsStringAsync();
        var actual = response.StatusCode switch
        {
            HttpStatusCode.OK => "200 " + Json(body).GetProperty("status").GetString(),
            HttpStatusCode.Conflict => "409 " + Json(body).GetProperty("status").GetString(),
            HttpStatusCode.NotFound => "404",
            _ => $"{(int)response.StatusCode} {body}",
        };
        return (expected, actual);
    }

    /// <summary>Runs the expiry sweep now and waits until no hold past its deadline is left (another sweep, started
    /// by the clock, may hold some of them for a moment).</summary>
    private async Task SweepAsync()
    {
        await using (var scope = _env.Service.Scope())
        {
            var sweeper = ActivatorUtilities.CreateInstance<ExpirySweeper>(scope.ServiceProvider);
            await sweeper.SweepAsync(CancellationToken.None);
        }

        await Eventually.HoldsAsync(
            async () => await _db.ScalarAsync("SELECT count(*) FROM reservations WHERE status = 'Reserved' AND " +
                "expires_at <= @now", ("now", _env.Time.GetUtcNow())) == 0,
            TimeSpan.FromSeconds(15), () => "holds past their deadline were not expired");
    }

    /// <summary>Waits until the service has processed the message, then renders the events it caused.</summary>
    private async Task<string> CausedAsync(string eventId)
    {
        await Eventually.HoldsAsync(() => _db.ProcessedAsync(eventId), TimeSpan.FromSeconds(15),
            () => $"message {eventId} was not processed");
        return NightsModel.Events([.. (await _db.CausedByAsync(eventId)).Select(RenderEvent)]);
    }

    private string RenderEvent(OutboxEvent e)
    {
        var data = e.Data;
        return e.RoutingKey switch
        {
            RoutingKeys.InventoryReserved => "reserved" + RenderLines(data.GetProperty("items"), Flag(data)),
            RoutingKeys.InventoryConfirmed => "confirmed" + RenderLines(data.GetProperty("items"), Flag(data)),
            RoutingKeys.InventoryReleased => "released:" + data.GetProperty("reason").GetString(),
            _ => "failed:" + data.GetProperty("reason").GetString(),
        };

        static bool Flag(JsonElement data) => data.TryGetProperty("overbooked", out var flag) && flag.GetBoolean();
    }

    private string RenderLines(JsonElement items, bool flagged)
    {
        var lines = items.EnumerateArray().Select(l => (
            Line: new StayLine(Item(l.GetProperty("itemId").GetString()!), l.GetProperty("quantity").GetInt32(),
                Offset(l.GetProperty("checkIn")), Offset(l.GetProperty("checkOut"))),
            Over: l.TryGetProperty("overbookedNights", out var nights) && nights.ValueKind == JsonValueKind.Array
                ? nights.EnumerateArray().Select(Offset).ToList()
                : [])).ToList();
        return Rendered([.. lines.Select(l => l.Line)], [.. lines.Select(l => l.Over)], flagged);
    }

    private static string Rendered(IReadOnlyList<StayLine> lines, IReadOnlyList<List<int>> over, bool flagged)
    {
        var rendered = NightsModel.RenderLines(lines, over);
        return flagged == over.Any(o => o.Count > 0) ? rendered : $"{rendered} (but overbooked={flagged})";
    }

    private async Task<string> RenderReserveAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        switch (response.StatusCode)
        {
            case HttpStatusCode.Created:
                var reservation = JsonSerializer.Deserialize<ReservationResponse>(body, Http.Json)!;
                var lines = reservation.Lines.Select(l => new StayLine(Item(l.ItemId), l.Quantity,
                    Offset(l.CheckIn!.Value), Offset(l.CheckOut!.Value))).ToList();
                var over = reservation.Lines.Select(l => (l.OverbookedNights ?? []).Select(Offset).ToList()).ToList();
                return "201" + Rendered(lines, over, reservation.Overbooked);
            case HttpStatusCode.OK:
                return "200 existing";
            case HttpStatusCode.Conflict:
                var problem = Json(body);
                return "409 " + problem.GetProperty("title").GetString() switch
                {
                    "Reservation ended" => "ended",
                    "Too many holds" => "TooManyHolds",
                    "Insufficient stock" => "InsufficientStock",
                    "Nights not for sale" => problem.GetProperty("reason").GetString(),
                    var title => title,
                };
            default:
                return $"{(int)response.StatusCode} {body}";
        }
    }

    private async Task<string> RenderCalendarChangeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode switch
        {
            HttpStatusCode.OK => "200",
            HttpStatusCode.Conflict => "409 nights " + string.Join(",", Json(body).GetProperty("nights")
                .EnumerateArray().Select(n => Offset(n.GetProperty("night")))),
            _ => $"{(int)response.StatusCode} {body}",
        };
    }

    private async Task<string> RenderAuditAsync(int item, string changed)
    {
        using var response =
            await _api.Admin.GetAsync($"/api/inventory/calendar-changes?itemId={_items[item]}&limit=1000");
        var audit = Json(await response.Content.ReadAsStringAsync());
        var rows = audit.GetArrayLength();
        if (changed != "200" || rows == 0)
        {
            return $"audit #{rows}";
        }

        return $"audit #{rows}: " + string.Join("; ", audit[0].GetProperty("nights").EnumerateArray().Select(n =>
            NightsModel.AuditLine(Offset(n.GetProperty("night")), Settings(n.GetProperty("before")),
                Settings(n.GetProperty("after")))));

        static string Settings(JsonElement s) => NightsModel.Settings(s.GetProperty("capacity").GetInt32(),
            s.GetProperty("closed").GetBoolean(), s.GetProperty("minStay").GetInt32(),
            s.GetProperty("overbookingAllowance").GetInt32());
    }

    /// <summary>The stay search (anonymous), for the scenario's items only (by their location).</summary>
    private async Task<string> SearchAsync(ReadOp read)
    {
        var url = $"/api/inventory/availability?checkIn={Date(read.From):yyyy-MM-dd}" +
            $"&checkOut={Date(read.To):yyyy-MM-dd}&quantity={read.Quantity}&location={Location}&pageSize=100";
        using var response = await _api.Admin.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"{(int)response.StatusCode} {body}";
        }

        var offers = Json(body).GetProperty("items").EnumerateArray()
            .Select(o => $"{Letter(Item(o.GetProperty("itemId").GetString()!))} {o.GetProperty("available")}")
            .ToList();
        return "offers: " + (offers.Count == 0 ? "none" : string.Join(", ", offers));
    }

    /// <summary>POST /api/inventory/check-availability of the lines.</summary>
    private async Task<string> CheckAsync(IEnumerable<StayLine> lines)
    {
        using var response = await _api.Admin.PostJsonAsync("/api/inventory/check-availability", new
        {
            items = lines.Select(l => new BookingLine(_items[l.Item], l.Quantity, Date(l.From), Date(l.To))).ToArray(),
        });
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"{(int)response.StatusCode} {body}";
        }

        var checkedLines = Json(body).GetProperty("lines").EnumerateArray().ToList();
        var stays = checkedLines.Select(l => new StayLine(Item(l.GetProperty("itemId").GetString()!),
            l.GetProperty("requested").GetInt32(), Offset(l.GetProperty("stay").GetProperty("checkIn")),
            Offset(l.GetProperty("stay").GetProperty("checkOut")))).ToList();
        var failing = checkedLines.Select(l => l.TryGetProperty("nights", out var nights)
                && nights.ValueKind == JsonValueKind.Array
            ? nights.EnumerateArray().Select(n =>
                $"{Offset(n.GetProperty("night"))} {n.GetProperty("reason")} {n.GetProperty("available")}").ToList()
            : []).ToList<IReadOnlyList<string>>();
        var rendered = NightsModel.RenderCheck(stays, failing);
        return Json(body).GetProperty("isAvailable").GetBoolean() == (rendered == "available")
            ? rendered
            : $"{rendered} (but isAvailable={Json(body).GetProperty("isAvailable")})";
    }

    /// <summary>Every item's calendar and every booking's status against the model's.</summary>
    private async Task CompareAsync(int step, NightOp op)
    {
        var differences = new StringBuilder();
        for (var i = 0; i < _items.Length; i++)
        {
            var calendar = await NightlyApi.CalendarAsync(_api.Admin, _items[i], _start, _start.AddDays(Window));
            for (var n = 0; n < Window; n++)
            {
                var expected = _model.Night(i, n).ToString();
                var actual = n < calendar.Count && calendar[n].Date == Date(n) ? Render(calendar[n]) : "(missing)";
                if (expected != actual)
                {
                    differences.AppendLine(CultureInfo.InvariantCulture,
                        $"  night {(char)('A' + i)}{n}: expected {expected}\n             actual   {actual}");
                }
            }
        }

        // The low-stock alerts of each night, in the order they were written.
        var alerts = (await _db.LowStockAlertsAsync(_items)).Select(a =>
            (Item: Item(a.GetProperty("itemId").GetString()!), Night: Offset(a.GetProperty("night")),
                Available: a.GetProperty("available").GetInt32())).ToList();
        foreach (var (item, night) in _model.Alerts.Concat(alerts).Select(a => (a.Item, a.Night)).Distinct())
        {
            var expected = string.Join(",", _model.Alerts.Where(a => (a.Item, a.Night) == (item, night))
                .Select(a => a.Available));
            var actual = string.Join(",", alerts.Where(a => (a.Item, a.Night) == (item, night))
                .Select(a => a.Available));
            if (expected != actual)
            {
                differences.AppendLine(CultureInfo.InvariantCulture,
                    $"  low-stock alerts of night {Letter(item)}{night} (available at each): expected [{expected}], " +
                    $"actual [{actual}]");
            }
        }

        var stored = await _db.ReservationsAsync([.. _bookings.Select(b => b.Key).Distinct()]);
        _held = [.. stored.Values.Where(r => r.Status == "Reserved").Select(r => r.Key)];
        foreach (var key in _bookings.Select(b => b.Key).Distinct())
        {
            // The status, and the nights each stored line holds beyond capacity as of when it last took them.
            var expected = _model.Reservation(key) is { } m ? $"{m} {NightsModel.RenderLines(m.Lines, m.Overbooked)}"
                : "none";
            var actual = stored.TryGetValue(key, out var r)
                ? $"{r.Status}{(r.ReleaseReason is { } why ? "/" + why : "")} {RenderStored(r.Lines)}"
                : "none";
            if (expected != actual)
            {
                differences.AppendLine(CultureInfo.InvariantCulture,
                    $"  booking {key}: expected {expected}, actual {actual}");
            }
        }

        if (differences.Length > 0)
        {
            await FailAsync(step, op, "the state differs after the step:\n" + differences);
        }
    }

    private string RenderStored(IReadOnlyList<StoredLine> lines) => NightsModel.RenderLines(
        [.. lines.Select(l =>
            new StayLine(Item(l.ItemId), l.Quantity, Offset(l.CheckIn!.Value), Offset(l.CheckOut!.Value)))],
        [.. lines.Select(l => l.OverbookedNights.Select(Offset).ToList())]);

    private async Task FailAsync(int step, NightOp? op, string what)
    {
        var message = new StringBuilder();
        message.AppendLine(CultureInfo.InvariantCulture,
            $"Step {step} ({op?.ToString() ?? "end of the scenario"}) of run {_run}: {what}");
        message.AppendLine(CultureInfo.InvariantCulture,
            $"Window {_start:yyyy-MM-dd} + {Window} nights; items {string.Join(", ", _items)}; steps so far:");
        message.AppendLine(string.Join("\n", _history.Select(h => "  " + h)));
        for (var i = 0; i < _items.Length; i++)
        {
            var calendar = await NightlyApi.CalendarAsync(_api.Admin, _items[i], _start, _start.AddDays(Window));
            message.AppendLine(CultureInfo.InvariantCulture, $"Item {(char)('A' + i)}, model:");
            message.AppendLine(_model.RenderCalendar(i));
            message.AppendLine(CultureInfo.InvariantCulture, $"Item {(char)('A' + i)}, service:");
            message.AppendLine(string.Join("\n", calendar.Select((n, k) => $"  {k}: {Render(n)}")));
        }

        Assert.Fail(message.ToString());
    }

    private static string Render(NightResponse n) => ModelNight.Render(
        n.Capacity, n.Held, n.Confirmed, n.Available, n.Closed, n.MinStay, n.OverbookingAllowance, n.Overbooked);

    /// <summary>What kind of operation met what kind of answer, for the table of what the run reached.</summary>
    private static string Category(NightOp op, string expected)
    {
        var kind = op switch
        {
            ReserveOp { ByHttp: true } r => r.Lines.Length > 1 ? "reserve http 2 lines" : "reserve http",
            ReserveOp r => r.Lines.Length > 1 ? "reserve msg 2 lines" : "reserve msg",
            RepeatOp => "repeat",
            PayOp { Succeeded: true } => "payment succeeded",
            PayOp => "payment failed",
            ReleaseOp => "release",
            AdvanceOp => "advance clock",
            CalendarOp { Closed: not null, Capacity: null, MinStay: null, Allowance: null } => "close/open",
            ReadOp => "read",
            _ => "calendar change",
        };
        if (op is ReadOp)
        {
            var offers = expected.Contains("offers: none", StringComparison.Ordinal) ? "no offer" : "offers";
            var check = expected.EndsWith("| available", StringComparison.Ordinal) ? "available" : "unavailable";
            return $"{"read",-22} -> {offers}, {check}";
        }

        var answer = AuditDetails().Replace(LineDetails().Replace(expected, ""), "audit");
        answer = Numbers().Replace(answer, m => m.Value == "expired 0" ? m.Value : m.Groups[1].Value + " N");
        return $"{kind,-22} -> {answer}";
    }

    [GeneratedRegex(@"\[[^\]]*\]( over [A-Z]![\d,]*( [A-Z]![\d,]*)?)?")]
    private static partial Regex LineDetails();

    [GeneratedRegex(@"audit #\d+(:.*)?$")]
    private static partial Regex AuditDetails();

    [GeneratedRegex(@"(expired|nights) [\d,]+")]
    private static partial Regex Numbers();

    private DateOnly Date(int offset) => _start.AddDays(offset);

    private int Offset(DateOnly date) => date.DayNumber - _start.DayNumber;

    private int Offset(JsonElement date) =>
        Offset(DateOnly.Parse(date.GetString()!, CultureInfo.InvariantCulture));

    private int Item(string itemId) => Array.IndexOf(_items, itemId);

    private static char Letter(int item) => (char)('A' + item);

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement.Clone();

    /// <summary>A booking the scenario made: its id, key, user (HTTP) and lines as sent and as merged.</summary>
    private sealed record Booking(
        string BookingId, string Key, string? User, StayLine[] Lines, IReadOnlyList<StayLine> Merged, int HoldMinutes);
}
