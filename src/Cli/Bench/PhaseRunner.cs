using System.Globalization;
using BookingSystem.Cli.Messaging;
using BookingSystem.Cli.Messaging.Simulation;
using Npgsql;

namespace BookingSystem.Cli.Bench;

/// <summary>One measured phase: what went in, what came back, and how fast.</summary>
/// <param name="Seconds">From the first booking sent (for a drain: from the target's start) to the last first
/// outcome.</param>
/// <param name="FinalSeconds">Until the last booking's final outcome (payments answered, expired holds released), if
/// all came.</param>
/// <param name="CpuMsPerBooking">The service's CPU per booking with an outcome, over the measured phase only (<see
/// cref="Cpu"/>).</param>
/// <param name="Cpu">Where the CPU went from the first booking sent (a drain: the service's start) to the last final
/// outcome.</param>
/// <param name="CrossCheck">The tap's figures for the same phase and whether the bench's agree with them.</param>
/// <param name="FirstOutcomeSeconds">When the first outcome came back, from the same start as <paramref
/// name="Seconds"/>.</param>
/// <param name="Publisher">How late the bench's sends were against their due time, and how long the confirms
/// took.</param>
/// <param name="Reads">The reads driven next to the bookings over the same interval as <paramref name="Cpu"/>, if
/// any.</param>
public sealed record PhaseResult(
    string Phase,
    int Bookings,
    int Sent,
    int Completed,
    double Seconds,
    double BookingsPerSecond,
    LatencyStats Latency,
    OutcomeSummary Outcomes,
    bool TimedOut,
    int SendFailures,
    string? Failure,
    double? PeakWorkingSetMb,
    double? CpuMsPerBooking,
    double? FinalSeconds,
    CpuUsage? Cpu = null,
    CrossCheck? CrossCheck = null,
    double? FirstOutcomeSeconds = null,
    PublisherStats? Publisher = null,
    IReadOnlyList<ReadResult>? Reads = null)
{
    public bool Complete => !TimedOut && Failure is null && Completed == Bookings && Outcomes.None == 0;

    /// <summary>
    /// Bookings per second from the first outcome to the last: a drain's rate once the service answers.
    /// </summary>
    public double? RateAfterFirstOutcome =>
        FirstOutcomeSeconds is { } first && Seconds > first ? (Completed - 1) / (Seconds - first) : null;
}

/// <summary>
/// The bench's own publisher: how late each booking went out against when it was due (at a fixed rate; the
/// latency counts from the due time, so lateness is the harness's) and how long the broker took to confirm it.
/// </summary>
/// <param name="GcPauseMs">The bench process's own garbage-collection pauses over the phase (every thread
/// stops).</param>
/// <param name="GcCollections">Its collections over the phase, generations 0, 1 and 2.</param>
public sealed record PublisherStats(
    LatencyStats LateMs, LatencyStats ConfirmMs, double GcPauseMs = 0, IReadOnlyList<int>? GcCollections = null);

/// <summary>
/// Runs one phase against a target: sends the bookings (paced by the scenario's mode), answers each first hold
/// with the planned payment, waits for every final outcome (or the time limit), prints a progress line every second.
/// The same code drives the service and both ceilings, so their numbers compare.
/// </summary>
public sealed class PhaseRunner(TextWriter output, TimeProvider time)
{
    /// <summary>
    /// How long to keep listening once every booking has its final outcome, so that a second outcome is seen.
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <param name="reads">Reads to drive from the first booking sent until every booking has its final
    /// outcome.</param>
    public async Task<PhaseResult> RunAsync(
        IBenchTarget target, Scenario scenario, IReadOnlyList<PlannedBooking> bookings, IReadOnlyList<string> itemIds,
        TimeSpan timeLimit, CpuMeter meter, CancellationToken ct, string? timesPath = null, ReadLoad? reads = null)
    {
        var ledger = new BenchLedger(bookings, itemIds);
        var drain = scenario.Mode == LoadMode.Drain;
        // Not disposed: an outcome arriving after the phase (a late copy) may still release its slot.
        var window = new SemaphoreSlim(scenario.Window);
        var paymentSlots = new SemaphoreSlim(scenario.Window);
        var over = false;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeLimit);
        var origin = time.GetTimestamp();
        var failures = new SendFailures();
        var payments = new List<Task>();
        var lateMs = new double[bookings.Count];
        var confirmMs = new double[bookings.Count];
        CpuSnapshot? cpuStart = null, cpuEnd = null;
        // The plan, the ledger and what the warm-up left go to the oldest generation now, in one blocking collection
        // outside the measurement: a gen 1 collection during a phase at 1,000/s paused the whole bench for 63 ms (its
        // sends late, its outcomes stamped late) and made its p99 78 % higher than the tap's.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var gcStart = (Pause: GC.GetTotalPauseDuration(), Counts: GcCounts());

        void OnOutcome(ObservedEvent observed, long arrived)
        {
            var observation = ledger.Observe(observed, time.GetElapsedTime(origin, arrived));
            if (observation.FirstOutcome && !drain)
            {
                window.Release();
            }

            if (observation.Payment is { } payment && !Volatile.Read(ref over))
            {
                var work = new BenchWork(-1, payment.Booking, payment);
                lock (payments)
                {
                    payments.Add(SendPaymentAsync(target, work, paymentSlots, failures, limit.Token));
                }
            }
        }

        var start = TimeSpan.Zero;
        var timedOut = false;
        var sends = new List<Task>(bookings.Count);
        using var stopProgress = new CancellationTokenSource();
        var progress = Task.CompletedTask;
        using var stopReads = new CancellationTokenSource();
        Task<IReadOnlyList<ReadResult>>? reading = null;
        try
        {
            await target.PrepareAsync(OnOutcome, drain, limit.Token);
            if (!drain)
            {
                await target.StartAsync(limit.Token);
            }

            cpuStart = drain ? null : meter.Read();
            start = time.GetElapsedTime(origin);
            progress = ProgressAsync(target.Name, ledger, origin, stopProgress.Token);
            reading = reads?.RunAsync(stopReads.Token);
            if (scenario.Rate is { } rate && !drain && Pacer.Suits(rate, time))
            {
                var paceStart = origin + (long)(start.TotalSeconds * time.TimestampFrequency);
                await Pacer.RunAsync(() =>
                {
                    for (var i = 0; i < bookings.Count; i++)
                    {
                        var due = paceStart + (long)(i / rate * time.TimestampFrequency);
                        Pacer.SleepUntil(due, limit.Token);
                        window.Wait(limit.Token);
                        ledger.Sent(i, time.GetElapsedTime(origin, due));
                        lateMs[i] = time.GetElapsedTime(due).TotalMilliseconds;
                        sends.Add(TimedSendAsync(target, new BenchWork(i, bookings[i]), window, releaseAfterSend: false,
                            failures, confirmMs, origin, limit.Token));
                    }
                });
            }

            for (var i = sends.Count; i < bookings.Count; i++)
            {
                var sentAt = scenario.Mode == LoadMode.Rate ? await WaitUntilDueAsync(origin, start, i, scenario.Rate!.Value, limit.Token) : (TimeSpan?)null;
                await window.WaitAsync(limit.Token);
                var now = time.GetElapsedTime(origin);
                ledger.Sent(i, sentAt ?? now);
                lateMs[i] = sentAt is { } due ? (now - due).TotalMilliseconds : 0;
                // In a drain nothing comes back while the queue fills: the window only bounds the confirms in flight.
                sends.Add(TimedSendAsync(target, new BenchWork(i, bookings[i]), window, drain, failures, confirmMs, origin,
                    limit.Token));
            }

            await Task.WhenAll(sends);
            if (drain)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {target.Name}: {ledger.SentCount} bookings queued in {time.GetElapsedTime(origin).TotalSeconds:0.0} s; starting the consumer"));
                start = time.GetElapsedTime(origin);
                await target.StartAsync(limit.Token);
                cpuStart = meter.Read();
            }

            while (!ledger.AllFinal && target.Failure is null)
            {
                await Task.Delay(Poll, time, limit.Token);
            }

            // Before the settle: the CPU of the phase is that of its work, not of a second of waiting for stragglers.
            cpuEnd = meter.Read();
            await stopReads.CancelAsync();

            // Not under the time limit: every outcome is in, this only listens for a second one.
            await Task.Delay(Settle, time, ct);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            timedOut = true;
        }

        await stopProgress.CancelAsync();
        await progress;
        await stopReads.CancelAsync();
        var readResults = reading is null ? null : await reading;
        // Sends never throw (failures are counted); after a time limit the cancelled ones end at once.
        await Task.WhenAll(sends);
        Task[] sent;
        lock (payments)
        {
            Volatile.Write(ref over, true);
            sent = [.. payments];
        }

        await Task.WhenAll(sent);
        if (timesPath is not null)
        {
            await using var csv = new StreamWriter(timesPath);
            // Stopwatch ticks are the monotonic clock on Linux, in both processes.
            ledger.WriteTimes(csv, origin * 1000.0 / System.Diagnostics.Stopwatch.Frequency);
        }

        var cpu = cpuStart is null
            ? null
            : CpuUsage.Between(cpuStart, cpuEnd ?? meter.Read(), CpuMeter.Cores, ledger.WithOutcome);
        var sentCount = ledger.SentCount;
        var publisher = new PublisherStats(LatencyStats.From(lateMs.Take(sentCount)), LatencyStats.From(confirmMs.Take(sentCount)),
            (GC.GetTotalPauseDuration() - gcStart.Pause).TotalMilliseconds,
            [.. GcCounts().Zip(gcStart.Counts, (end, start) => end - start)]);
        return Result(target, ledger, start, timedOut, failures) with
        {
            Cpu = cpu,
            CpuMsPerBooking = cpu?.MsPerBooking(CpuMeter.Service),
            FirstOutcomeSeconds = ledger.FirstOutcomeAt is { } first ? Math.Max((first - start).TotalSeconds, 0) : null,
            Publisher = publisher,
            Reads = readResults,
        };
    }

    private static PhaseResult Result(IBenchTarget target, BenchLedger ledger, TimeSpan start, bool timedOut, SendFailures failures)
    {
        var summary = ledger.Summarize();
        var completed = ledger.WithOutcome;
        var seconds = ledger.LastOutcomeAt is { } last ? Math.Max((last - start).TotalSeconds, 0) : 0;
        var stats = target.Stats();
        return new PhaseResult(target.Name, ledger.Bookings.Count, ledger.SentCount, completed, seconds,
            seconds > 0 ? completed / seconds : 0, ledger.Latency(), summary, timedOut, failures.Count,
            target.Failure ?? failures.First,
            stats.PeakWorkingSetBytes is { } peak ? peak / (1024.0 * 1024.0) : null,
            null,
            ledger.AllFinal && ledger.LastFinalAt is { } final ? Math.Max((final - start).TotalSeconds, 0) : null);
    }

    /// <summary>
    /// Waits until booking <paramref name="index"/> is due at <paramref name="rate"/> per second; returns when it was
    /// due.
    /// </summary>
    /// <remarks>
    /// One sleep until the due time (rounded up to the timer's millisecond, so a send is never early), then every
    /// booking that is due goes at once. It used to poll in 1 ms steps: a thousand timer wake-ups a second whatever the
    /// rate, ten per booking at 100/s, each waking the bench's thread pool on a machine the system under test needs.
    /// Latency is taken from the due time, so a late send still counts against the target.
    /// </remarks>
    private async Task<TimeSpan> WaitUntilDueAsync(long origin, TimeSpan start, int index, double rate, CancellationToken ct)
    {
        var due = start + TimeSpan.FromSeconds(index / rate);
        var early = due - time.GetElapsedTime(origin);
        if (early > TimeSpan.Zero)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(early.TotalMilliseconds)), time, ct);
        }

        return due;
    }

    private static int[] GcCounts() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];

    /// <summary>A booking's send, with how long its confirm took (milliseconds) recorded at its index.</summary>
    private async Task TimedSendAsync(IBenchTarget target, BenchWork work, SemaphoreSlim slot, bool releaseAfterSend,
        SendFailures failures, double[] confirmMs, long origin, CancellationToken ct)
    {
        var sent = time.GetElapsedTime(origin);
        await SendAsync(target, work, slot, releaseAfterSend, failures, ct);
        confirmMs[work.Index] = (time.GetElapsedTime(origin) - sent).TotalMilliseconds;
    }

    /// <summary>
    /// One send, never thrown: a failure is counted and frees its <paramref name="slot"/> (no outcome will). With
    /// <paramref name="releaseAfterSend"/> the slot bounds the sends in flight rather than the bookings awaiting an
    /// outcome.
    /// </summary>
    private static async Task SendAsync(IBenchTarget target, BenchWork work, SemaphoreSlim slot, bool releaseAfterSend, SendFailures failures, CancellationToken ct)
    {
        try
        {
            await target.SendAsync(work, ct);
        }
        catch (Exception e) when (e is BrokerException or NpgsqlException or OperationCanceledException)
        {
            failures.Add(e is OperationCanceledException ? "cancelled by the time limit" : e.Message);
            if (!releaseAfterSend)
            {
                slot.Release();
            }
        }
        finally
        {
            if (releaseAfterSend)
            {
                slot.Release();
            }
        }
    }

    /// <summary>
    /// A payment waits for a slot of its own: payments must not take the window away from the bookings.
    /// </summary>
    private static async Task SendPaymentAsync(IBenchTarget target, BenchWork work, SemaphoreSlim slots, SendFailures failures, CancellationToken ct)
    {
        try
        {
            await slots.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            failures.Add("cancelled by the time limit");
            return;
        }

        await SendAsync(target, work, slots, releaseAfterSend: true, failures, ct);
    }

    private async Task ProgressAsync(string phase, BenchLedger ledger, long origin, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        var previous = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var done = ledger.WithOutcome;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  [{time.GetElapsedTime(origin).TotalSeconds,6:0.0}s] {phase}: sent {ledger.SentCount}/{ledger.Bookings.Count}, outcomes {done} (+{done - previous}/s)"));
                previous = done;
            }
        }
        catch (OperationCanceledException)
        {
            // The phase is over; its summary follows.
        }
    }

    /// <summary>How many sends failed, and the first reason.</summary>
    private sealed class SendFailures
    {
        private int _count;
        private string? _first;

        public int Count => Volatile.Read(ref _count);

        public string? First => Volatile.Read(ref _first);

        public void Add(string reason)
        {
            Interlocked.Increment(ref _count);
            Interlocked.CompareExchange(ref _first, reason, null);
        }
    }
}
