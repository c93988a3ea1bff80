using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using BookingSystem.InventoryService.Reservations;
using BookingSystem.InventoryService.Stock;
using Xunit.Abstractions;

namespace BookingSystem.InventoryService.IntegrationTests.Nights;

/// <summary>
/// Far more overlapping stays than a nightly item has nights, from every direction at once. Capacity 10 and an
/// overbooking allowance of 2 on each of five nights. First wave: hundreds of BookingCreated through two competing
/// instances while hundreds of HTTP reserves race them through both, and while payments (success and failure) and
/// cancellations of the accepted ones sell nights or give them back. Second wave: the clock passes the holds'
/// deadline, so both instances' sweepers expire them while late payments for some of them (taking the nights again,
/// or asking for a refund) and a new wave of bookings race for the nights. Throughout and after: no night ever holds
/// more than 12, each night's counters are the sum of the lines that hold it, every booking is decided once, no
/// booking (nor payment after expiry) is refused while its nights had room, and exactly the reservations that took a
/// night beyond 10 say so, naming exactly those nights, in their events, their stored lines and their 201.
/// </summary>
[Collection(nameof(NightsCollection))]
public sealed class NightlyStormTests(MessagingEnvironment env, ITestOutputHelper output)
    : IClassFixture<MessagingEnvironment>
{
    private const int Capacity = 10;
    private const int Allowance = 2;
    private const int Ceiling = Capacity + Allowance;
    private const int WindowNights = 5;
    private const int MessageBookings = 500;
    private const int HttpBookings = 240;
    private const int SecondWaveMessages = 200;
    private const int SecondWaveHttp = 100;
    private const int HttpUsers = 24; // at most 10 active holds each: under the cap of 20 per user
    private const int HttpInFlight = 12;
    private const int Seed = 3203;
    private static readonly TimeSpan DefaultHold = TimeSpan.FromMinutes(15);

    private enum Then
    {
        Hold,
        PaymentSucceeds,
        PaymentFails,
        Cancel,
        PayAfterDeadline,
    }

    [Fact]
    public async Task Overlapping_stays_through_two_instances_never_sell_a_night_beyond_its_allowance()
    {
        var clock = Stopwatch.StartNew();
        var second = await env.StartInstanceAsync(); // a competing instance: same database, same queues
        InventoryApiFactory[] instances = [env.Service, second];
        var api = new NightlyApi(env.Service);
        var db = new NightsDatabase(env.Database.ConnectionString);
        var itemId = $"storm-{EventProbe.NewId()[..12]}";
        await api.CreateItemAsync(itemId, Capacity);
        var first = api.Today.AddDays(30);
        var end = first.AddDays(WindowNights);
        await api.ChangeCalendarOrFailAsync(itemId, NightlyApi.Change(first, end, overbookingAllowance: Allowance));
        var random = new Random(Seed);
        var run = EventProbe.NewId()[..8];
        var firstWave = Plan(random, $"{run}-1", itemId, first, MessageBookings, HttpBookings, secondWave: false);
        var secondWave = Plan(random, $"{run}-2", itemId, first, SecondWaveMessages, SecondWaveHttp, secondWave: true);
        List<StormBooking> bookings = [.. firstWave, .. secondWave];
        var byKey = bookings.ToDictionary(b => b.Key, StringComparer.Ordinal);
        var users = bookings.Where(b => b.ByHttp).Select(b => (b.Instance, b.User!)).Distinct()
            .ToDictionary(u => u, u => instances[u.Instance].CreateUserClient(u.Item2));
        var http = new ConcurrentDictionary<string, Answer>(StringComparer.Ordinal);
        var cancels = new ConcurrentDictionary<string, HttpStatusCode>(StringComparer.Ordinal);

        using var stop = new CancellationTokenSource();
        var peaks = new Peaks();
        var monitor = Task.Run(() => WatchAsync(instances, db, itemId, first, end, peaks, stop.Token));

        await Task.WhenAll(
            PublishAsync(firstWave.Where(b => !b.ByHttp)),
            ReserveAsync(firstWave.Where(b => b.ByHttp), users, http, cancels),
            Task.Run(() => PayAsReservedAsync(firstWave)));
        await Eventually.HoldsAsync(() => firstWave.All(Settled), TimeSpan.FromSeconds(180),
            () => Unsettled(firstWave));
        var firstWaveDone = clock.Elapsed;

        // Past the deadline of every first-wave hold: both instances' sweepers start on their timers, while the late
        // payments and the second wave arrive.
        env.Time.Advance(DefaultHold + TimeSpan.FromMinutes(1));
        var late = firstWave
            .Where(b => b.Then == Then.PayAfterDeadline && Decision(b) is [RoutingKeys.InventoryReserved]).ToList();
        await Task.WhenAll(
            PublishAsync(secondWave.Where(b => !b.ByHttp)),
            ReserveAsync(secondWave.Where(b => b.ByHttp), users, http, cancels),
            Task.Run(async () =>
            {
                foreach (var booking in late)
                {
                    await env.Probe.PaymentAsync(booking.BookingId, succeeded: true);
                }
            }));
        await Eventually.HoldsAsync(() => secondWave.All(Settled) && late.All(PaidLate), TimeSpan.FromSeconds(180),
            () => Unsettled(secondWave) + $"; {late.Count(b => !PaidLate(b))} late payments unanswered");
        await Eventually.HoldsAsync(async () => await db.ScalarAsync(
                "SELECT count(*) FROM reservations WHERE status = 'Reserved' AND expires_at <= @now",
                ("now", env.Time.GetUtcNow())) == 0,
            TimeSpan.FromSeconds(60), () => "holds past their deadline were not expired");
        var outbox = (await db.OutcomesAsync()).Where(e => byKey.ContainsKey(e.BookingId)).ToList();
        await Eventually.HoldsAsync(() => outbox.All(Received), TimeSpan.FromSeconds(60),
            () => $"{outbox.Count(e => !Received(e))} written events were not received");
        await stop.CancelAsync();
        await monitor;
        var settled = clock.Elapsed;

        var table = await db.NightsAsync(itemId, first, end);
        var calendar = await NightlyApi.CalendarAsync(api.Admin, itemId, first, end);
        var sums = await db.ActiveLineSumsAsync(itemId, first, end);
        var stored = await db.ReservationsAsync([.. byKey.Keys]);
        var replay = StormReplay.Of(outbox, byKey);
        var accepted = bookings.Where(b => replay.States[b.Key] != State.None).ToList();
        Report(bookings, replay, http, cancels, table, peaks, itemId, first, end);
        output.WriteLine($"  first wave settled after {firstWaveDone.TotalSeconds:F1} s, second after " +
            $"{settled.TotalSeconds:F1} s; {outbox.Count} outcome events replayed in outbox order");

        // Never more than capacity + allowance on a night, seen through the calendar and the table throughout.
        Assert.True(peaks.Samples > 0, "the monitor never sampled the nights during the storm");
        Assert.DoesNotContain(peaks.Calendar, p => p.Value > Ceiling);
        Assert.DoesNotContain(peaks.Table, p => p.Value > Ceiling);
        Assert.All(table, n => Assert.InRange(n.Held + n.Confirmed, 0, Ceiling));
        Assert.Equal(0, await db.ScalarAsync(
            "SELECT count(*) FROM item_nights WHERE held + confirmed > capacity + overbooking_allowance"));
        // Each night's counters are what the reservations that hold it add up to: in the table, in the calendar, and
        // in the events replayed in order.
        Assert.Equal(table.Select(n => (n.Night, n.Held, n.Confirmed)),
            sums.Select(s => (s.Night, s.Held, s.Confirmed)));
        Assert.Equal(table.Select(n => (n.Night, n.Held, n.Confirmed)),
            calendar.Select(n => (n.Date, n.Held, n.Confirmed)));
        Assert.Equal(table.Select(n => (n.Held, n.Confirmed)),
            table.Select(n => (replay.Held.GetValueOrDefault(n.Night), replay.Confirmed.GetValueOrDefault(n.Night))));

        // Every booking decided once (InventoryReserved or InventoryReservationFailed), every event in a legal order,
        // every refusal for want of room; over HTTP the status says the same as the event.
        Assert.Empty(replay.Illegal);
        Assert.Empty(replay.Unjustified);
        Assert.All(bookings, b => Assert.True(replay.Decisions.GetValueOrDefault(b.Key) == 1,
            $"{b.Key}: {replay.Decisions.GetValueOrDefault(b.Key)} decisions"));
        Assert.All(bookings.Where(b => b.ByHttp), b => Assert.Equal(
            replay.States[b.Key] == State.None ? HttpStatusCode.Conflict : HttpStatusCode.Created, http[b.Key].Status));
        Assert.All(cancels, c => Assert.Equal(HttpStatusCode.OK, c.Value));
        Assert.All(late, b => Assert.Equal(1, replay.LateAnswers.GetValueOrDefault(b.Key)));

        // What the replay says each booking ended as is what is stored: its status, and every night of its stay.
        Assert.All(accepted, b => Assert.Equal(
            (replay.Status(b.Key), new StoredLine(itemId, b.Quantity, b.CheckIn, b.CheckOut, [])),
            ((stored[b.Key].Status, stored[b.Key].ReleaseReason),
                Single(stored[b.Key].Lines) with { OverbookedNights = [] })));
        Assert.All(bookings.Except(accepted),
            b => Assert.False(stored.ContainsKey(b.Key), $"{b.Key} has a reservation"));

        // Overbooked: exactly the reservations that took a night beyond capacity, naming exactly those nights, in the
        // events (reserved, confirmed), in the stored line (as of its last take) and, over HTTP, in the 201.
        Assert.Empty(replay.Mismatches);
        Assert.All(accepted, b => Assert.Equal(
            replay.Overbooked[b.Key], Single(stored[b.Key].Lines).OverbookedNights.Order()));
        Assert.All(accepted.Where(b => b.ByHttp), b => Assert.Equal(
            replay.FirstOverbooked[b.Key], HttpOverbooked(http[b.Key].Body)));
        Assert.Contains(replay.FirstOverbooked.Values, o => o.Count > 0); // the allowance was used
        Assert.Contains(replay.States.Values, s => s == State.Expired); // and the sweepers had holds to expire
    }

    private static bool IsDecision(string routingKey) =>
        routingKey is RoutingKeys.InventoryReserved or RoutingKeys.InventoryReservationFailed;

    private static string EventId(OutboxEvent e) => e.Envelope.GetProperty("eventId").GetString()!;

    /// <summary>Whether the probe (the other services) received the written event.</summary>
    private bool Received(OutboxEvent e) => env.Probe.For(e.BookingId).Any(r => r.EventId == EventId(e));

    /// <summary>The booking's first InventoryReserved or InventoryReservationFailed the probe received.</summary>
    private List<string> Decision(StormBooking booking) =>
        [.. env.Probe.Outcomes(booking.Key).Where(IsDecision).Take(1)];

    /// <summary>Decided, and when accepted and then paid or cancelled at once, that answered too.</summary>
    private bool Settled(StormBooking booking) => Decision(booking) switch
    {
        [RoutingKeys.InventoryReservationFailed] => true,
        [RoutingKeys.InventoryReserved] => booking.Then switch
        {
            Then.PaymentSucceeds => env.Probe.Count(booking.Key, RoutingKeys.InventoryConfirmed) > 0,
            Then.PaymentFails or Then.Cancel => env.Probe.Count(booking.Key, RoutingKeys.InventoryReleased) > 0,
            _ => true,
        },
        _ => false,
    };

    /// <summary>A late payment is answered: confirmed (before or after the sweep) or refused (HoldExpired).</summary>
    private bool PaidLate(StormBooking booking) =>
        env.Probe.Count(booking.Key, RoutingKeys.InventoryConfirmed) > 0
        || env.Probe.Count(booking.Key, RoutingKeys.InventoryReservationFailed) > 0;

    private string Unsettled(IReadOnlyList<StormBooking> bookings) =>
        $"{bookings.Count(b => !Settled(b))} of {bookings.Count} bookings are not settled, e.g. " +
        string.Join("; ", bookings.Where(b => !Settled(b)).Take(3).Select(b =>
            $"{b.Key} ({b.Then}): {string.Join(", ", env.Probe.Outcomes(b.Key))}"));

    private async Task PublishAsync(IEnumerable<StormBooking> bookings)
    {
        foreach (var booking in bookings)
        {
            await env.Probe.PublishAsync(RoutingKeys.BookingCreated, EventTypes.BookingCreated,
                NightlyApi.BookingCreatedData(booking.BookingId, [booking.Line]));
        }
    }

    private static Task ReserveAsync(
        IEnumerable<StormBooking> bookings, Dictionary<(int, string), HttpClient> users,
        ConcurrentDictionary<string, Answer> http, ConcurrentDictionary<string, HttpStatusCode> cancels) =>
        Parallel.ForEachAsync(bookings, new ParallelOptions { MaxDegreeOfParallelism = HttpInFlight },
            async (booking, ct) =>
            {
                var client = users[(booking.Instance, booking.User!)];
                using var response = await client.PostJsonAsync(
                    "/api/inventory/reserve", NightlyApi.ReserveBody(booking.BookingId, [booking.Line]));
                http[booking.Key] = new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(ct));
                if (response.StatusCode == HttpStatusCode.Created && booking.Then == Then.Cancel)
                {
                    using var cancel = await client.PostJsonAsync(
                        "/api/inventory/release", new { bookingId = booking.BookingId });
                    cancels[booking.Key] = cancel.StatusCode;
                }
            });

    /// <summary>The payment side: once a booking by message is held, its payment outcome (if it has one).</summary>
    private async Task PayAsReservedAsync(IReadOnlyList<StormBooking> bookings)
    {
        var waiting = bookings.Where(b => b.Then is Then.PaymentSucceeds or Then.PaymentFails).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
        while (waiting.Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{waiting.Count} bookings to pay were never decided");
            }

            foreach (var booking in waiting.ToList())
            {
                switch (Decision(booking))
                {
                    case [RoutingKeys.InventoryReserved]:
                        await env.Probe.PaymentAsync(booking.BookingId, booking.Then == Then.PaymentSucceeds);
                        waiting.Remove(booking);
                        break;
                    case [RoutingKeys.InventoryReservationFailed]:
                        waiting.Remove(booking);
                        break;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25)); // the pace of the payment side's loop
        }
    }

    private void Report(
        IReadOnlyList<StormBooking> bookings, StormReplay replay, ConcurrentDictionary<string, Answer> http,
        ConcurrentDictionary<string, HttpStatusCode> cancels, IReadOnlyList<NightRow> table, Peaks peaks,
        string itemId, DateOnly first, DateOnly end)
    {
        output.WriteLine($"Storm on {itemId}, nights {first:yyyy-MM-dd}..{end.AddDays(-1):yyyy-MM-dd}: capacity " +
            $"{Capacity} + allowance {Allowance}, two instances, seed {Seed}");
        foreach (var wave in bookings.GroupBy(b => b.Wave))
        {
            var byMessage = wave.Where(b => !b.ByHttp).ToList();
            var reserved = byMessage.Where(b => replay.States[b.Key] != State.None).ToList();
            output.WriteLine($"  wave {wave.Key}, by message: {byMessage.Count} bookings, {reserved.Count} reserved, " +
                $"{byMessage.Count - reserved.Count} refused; of the reserved {Count(reserved, Then.PaymentSucceeds)}" +
                $" paid at once, {Count(reserved, Then.PaymentFails)} payments failed, " +
                $"{Count(reserved, Then.PayAfterDeadline)} paid after the deadline");
            for (var i = 0; i < 2; i++)
            {
                var mine = wave.Where(b => b.ByHttp && b.Instance == i).ToList();
                var created = mine.Count(b => http[b.Key].Status == HttpStatusCode.Created);
                var conflicts = mine.Count(b => http[b.Key].Status == HttpStatusCode.Conflict);
                output.WriteLine($"  wave {wave.Key}, by HTTP through instance {i + 1}: {mine.Count} reserves, " +
                    $"{created} x 201, {conflicts} x 409, {mine.Count - created - conflicts} other; " +
                    $"{mine.Count(b => cancels.ContainsKey(b.Key))} of the 201s cancelled at once");
            }
        }

        output.WriteLine($"  ended: {string.Join(", ", replay.States.Values.GroupBy(s => s).OrderBy(g => g.Key)
            .Select(g => $"{g.Count()} {(g.Key == State.None ? "refused" : g.Key.ToString())}"))}; late payments: " +
            $"{replay.LateBeforeSweep} before the sweep, {replay.Retaken} took the nights again after it, " +
            $"{replay.HoldExpired} refused (HoldExpired)");
        output.WriteLine($"  overbooked: {replay.FirstOverbooked.Count(o => o.Value.Count > 0)} reservations when " +
            $"they took their nights, {replay.RetakenOverbooked} of them on a take after expiry");
        foreach (var night in table)
        {
            output.WriteLine($"  {night.Night:yyyy-MM-dd}: held {night.Held} + confirmed {night.Confirmed} of " +
                $"{night.Capacity}+{night.OverbookingAllowance}; peak " +
                $"{peaks.Calendar.GetValueOrDefault(night.Night)} (calendar) / " +
                $"{peaks.Table.GetValueOrDefault(night.Night)} (table); " +
                $"{replay.FirstOverbooked.Values.Count(o => o.Contains(night.Night))} takes overbooked it");
        }

        output.WriteLine($"  {peaks.Samples} calendar + table samples during the storm");

        static int Count(IEnumerable<StormBooking> bookings, Then then) => bookings.Count(b => b.Then == then);
    }

    private static StoredLine Single(IReadOnlyList<StoredLine> lines) => Assert.Single(lines);

    private static List<DateOnly> HttpOverbooked(string body)
    {
        var reservation = JsonSerializer.Deserialize<ReservationResponse>(body, Http.Json)!;
        return [.. (Assert.Single(reservation.Lines).OverbookedNights ?? []).Order()];
    }

    /// <summary>
    /// A wave of bookings: random stays of 1-5 nights within the window, 1-2 units, by message or by HTTP (spread over
    /// both instances and a few users), in a random order, each with what happens once it is held.
    /// </summary>
    private static List<StormBooking> Plan(
        Random random, string run, string itemId, DateOnly first, int messages, int httpReserves, bool secondWave)
    {
        return [.. Enumerable.Range(0, messages + httpReserves)
            .Select(i =>
            {
                var checkIn = first.AddDays(random.Next(0, WindowNights));
                var nights = random.Next(1, WindowNights - (checkIn.DayNumber - first.DayNumber) + 1);
                var line = new BookingLine(itemId, random.Next(1, 3), checkIn, checkIn.AddDays(nights));
                var bookingId = $"storm-{run}-{i}";
                var then = random.Next(10);
                var wave = secondWave ? 2 : 1;
                if (i < messages)
                {
                    return new StormBooking(bookingId, bookingId, line, 0, User: null, wave, secondWave ? Then.Hold
                        : then < 3 ? Then.PaymentSucceeds : then < 5 ? Then.PaymentFails
                        : then < 8 ? Then.PayAfterDeadline : Then.Hold);
                }

                var user = $"storm-user-{wave}-{i % HttpUsers}";
                return new StormBooking(bookingId, BookingKey.Http(user, bookingId), line, i % 2, user, wave,
                    !secondWave && then < 4 ? Then.Cancel : Then.Hold);
            })
            .OrderBy(_ => random.Next())];
    }

    /// <summary>
    /// Samples the nights through the calendar (of either instance) and the table until stopped, keeping the highest
    /// held + confirmed each night showed.
    /// </summary>
    private static async Task WatchAsync(
        InventoryApiFactory[] instances, NightsDatabase db, string itemId, DateOnly first, DateOnly end, Peaks peaks,
        CancellationToken stop)
    {
        HttpClient[] clients = [.. instances.Select(i => i.CreateClient())];
        while (!stop.IsCancellationRequested)
        {
            foreach (var night in await NightlyApi.CalendarAsync(clients[peaks.Samples % 2], itemId, first, end))
            {
                peaks.Calendar.AddOrUpdate(night.Date, night.Held + night.Confirmed,
                    (_, seen) => Math.Max(seen, night.Held + night.Confirmed));
            }

            foreach (var night in await db.NightsAsync(itemId, first, end))
            {
                peaks.Table.AddOrUpdate(night.Night, night.Held + night.Confirmed,
                    (_, seen) => Math.Max(seen, night.Held + night.Confirmed));
            }

            peaks.Samples++;
            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None); // a sampling pace, not a wait
        }
    }

    internal static string Nights(IEnumerable<DateOnly> nights) =>
        string.Join(",", nights.Select(n => n.ToString("MM-dd", CultureInfo.InvariantCulture)));

    private enum State
    {
        None,
        Reserved,
        Confirmed,
        Expired,
        Released,
    }

    private sealed record StormBooking(
        string BookingId, string Key, BookingLine Line, int Instance, string? User, int Wave, Then Then)
    {
        public bool ByHttp => User is not null;

        public int Quantity => Line.Quantity;

        public DateOnly CheckIn => Line.CheckIn!.Value;

        public DateOnly CheckOut => Line.CheckOut!.Value;

        public List<DateOnly> Nights => [.. Stay.NightsOf(CheckIn, CheckOut)];
    }

    private sealed record Answer(HttpStatusCode Status, string Body);

    private sealed class Peaks
    {
        public ConcurrentDictionary<DateOnly, int> Calendar { get; } = new();

        public ConcurrentDictionary<DateOnly, int> Table { get; } = new();

        public int Samples { get; set; }
    }

    /// <summary>
    /// The outcome events replayed in outbox order, each booking through the lifecycle its events tell. Whatever
    /// changes a night's counters (a hold, a payment, a release, an expiry) locks its row first and writes its event
    /// before it commits, so the events of bookings that share a night are in the order they changed it: each take
    /// (InventoryReserved, or InventoryConfirmed after expiry) must name as overbooked exactly the nights it pushed
    /// past capacity, and each refusal (of a booking, or of a payment after expiry) must come when a night of its stay
    /// had no room for it.
    /// </summary>
    private sealed class StormReplay
    {
        public Dictionary<DateOnly, int> Held { get; } = [];

        public Dictionary<DateOnly, int> Confirmed { get; } = [];

        public Dictionary<string, State> States { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string?> Reasons { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Decisions { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> LateAnswers { get; } = new(StringComparer.Ordinal);

        /// <summary>The nights a reservation holds beyond capacity as of its last take.</summary>
        public Dictionary<string, List<DateOnly>> Overbooked { get; } = new(StringComparer.Ordinal);

        /// <summary>The nights a reservation held beyond capacity when it was first reserved.</summary>
        public Dictionary<string, List<DateOnly>> FirstOverbooked { get; } = new(StringComparer.Ordinal);

        public List<string> Mismatches { get; } = [];

        public List<string> Unjustified { get; } = [];

        public List<string> Illegal { get; } = [];

        public int LateBeforeSweep { get; private set; }

        public int Retaken { get; private set; }

        public int RetakenOverbooked { get; private set; }

        public int HoldExpired { get; private set; }

        public static StormReplay Of(IReadOnlyList<OutboxEvent> outbox, Dictionary<string, StormBooking> bookings)
        {
            var replay = new StormReplay();
            foreach (var booking in bookings.Values)
            {
                replay.States[booking.Key] = State.None;
            }

            foreach (var e in outbox)
            {
                replay.Apply(e, bookings[e.BookingId]);
            }

            return replay;
        }

        /// <summary>The status and release reason the booking's events leave it in, as stored.</summary>
        public (string, string?) Status(string key) => (States[key].ToString(), Reasons.GetValueOrDefault(key));

        private int Sold(DateOnly night) => Held.GetValueOrDefault(night) + Confirmed.GetValueOrDefault(night);

        private void Apply(OutboxEvent e, StormBooking booking)
        {
            var key = booking.Key;
            var state = States[key];
            var reason = e.Data.TryGetProperty("reason", out var r) ? r.GetString() : null;
            switch (e.RoutingKey, state, reason)
            {
                case (RoutingKeys.InventoryReserved, State.None, _):
                    Decisions[key] = Decisions.GetValueOrDefault(key) + 1;
                    FirstOverbooked[key] = Take(booking, Held);
                    Check(e, booking);
                    States[key] = State.Reserved;
                    break;
                case (RoutingKeys.InventoryReservationFailed, State.None, ReservationFailureReasons.InsufficientStock):
                    Decisions[key] = Decisions.GetValueOrDefault(key) + 1;
                    Justify(booking, "refused");
                    break;
                case (RoutingKeys.InventoryReservationFailed, State.Expired, ReservationFailureReasons.HoldExpired):
                    LateAnswers[key] = LateAnswers.GetValueOrDefault(key) + 1;
                    HoldExpired++;
                    Justify(booking, "its payment after expiry refused");
                    break;
                case (RoutingKeys.InventoryConfirmed, State.Reserved, _):
                    Move(booking, Held, -1);
                    Move(booking, Confirmed, +1);
                    Check(e, booking);
                    States[key] = State.Confirmed;
                    if (booking.Then == Then.PayAfterDeadline)
                    {
                        LateAnswers[key] = LateAnswers.GetValueOrDefault(key) + 1;
                        LateBeforeSweep++;
                    }

                    break;
                case (RoutingKeys.InventoryConfirmed, State.Expired, _):
                    Take(booking, Confirmed);
                    Check(e, booking);
                    States[key] = State.Confirmed;
                    Reasons[key] = null;
                    LateAnswers[key] = LateAnswers.GetValueOrDefault(key) + 1;
                    Retaken++;
                    RetakenOverbooked += Overbooked[key].Count > 0 ? 1 : 0;
                    break;
                case (RoutingKeys.InventoryReleased, State.Reserved, "Expired" or "PaymentFailed" or "Cancelled"):
                    Move(booking, Held, -1);
                    States[key] = reason == "Expired" ? State.Expired : State.Released;
                    Reasons[key] = reason;
                    break;
                default:
                    Illegal.Add($"{e.RoutingKey} ({reason}) for {key} while it was {state}");
                    break;
            }
        }

        /// <summary>Takes the booking's nights into a counter; the nights pushed past capacity.</summary>
        private List<DateOnly> Take(StormBooking booking, Dictionary<DateOnly, int> counter)
        {
            Move(booking, counter, +1);
            return Overbooked[booking.Key] = [.. booking.Nights.Where(n => Sold(n) > Capacity)];
        }

        private static void Move(StormBooking booking, Dictionary<DateOnly, int> counter, int sign)
        {
            foreach (var night in booking.Nights)
            {
                counter[night] = counter.GetValueOrDefault(night) + sign * booking.Quantity;
            }
        }

        private void Justify(StormBooking booking, string what)
        {
            if (!booking.Nights.Any(n => Sold(n) + booking.Quantity > Ceiling))
            {
                Unjustified.Add($"{booking.Key} ({booking.Quantity} x {NightlyStormTests.Nights(booking.Nights)}) " +
                    $"{what} while its nights held {string.Join("/", booking.Nights.Select(Sold))}");
            }
        }

        /// <summary>The event's overbooked nights and flag against those the replay says the booking holds.</summary>
        private void Check(OutboxEvent e, StormBooking booking)
        {
            var expected = Overbooked[booking.Key];
            var line = Assert.Single(e.Data.GetProperty("items").EnumerateArray().ToList());
            List<DateOnly> named = line.TryGetProperty("overbookedNights", out var dates)
                ? [.. dates.EnumerateArray().Select(d => DateOnly.Parse(d.GetString()!, CultureInfo.InvariantCulture))
                    .Order()]
                : [];
            var flagged = e.Data.TryGetProperty("overbooked", out var flag) && flag.GetBoolean();
            if (!named.SequenceEqual(expected) || flagged != expected.Count > 0)
            {
                Mismatches.Add($"{e.RoutingKey} {booking.Key} ({booking.Quantity} x " +
                    $"{NightlyStormTests.Nights(booking.Nights)}): expected overbooked " +
                    $"[{NightlyStormTests.Nights(expected)}], the event says overbooked={flagged} " +
                    $"[{NightlyStormTests.Nights(named)}]");
            }
        }
    }
}
