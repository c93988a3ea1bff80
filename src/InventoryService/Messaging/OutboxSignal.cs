using System.Collections.Concurrent;
using System.Threading.Channels;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>An outbox row this process committed already claimed for its own dispatcher, until <see cref="Until"/>.</summary>
public sealed record ClaimedRow(OutboxMessage Message, DateTimeOffset Until);

/// <summary>
/// Between the commits and the outbox dispatcher of this process: wakes the dispatcher after a commit (polling is
/// the safety net) and hands it the rows just committed, written already claimed for it, so it publishes them
/// without reading them back or claiming them first. Bounded: past <see cref="Capacity"/> rows (a broker that is
/// away for long) the rest wait out their claim and are read from the table like any other.
/// </summary>
public sealed class OutboxSignal
{
    public const int Capacity = 20_000;

    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentQueue<ClaimedRow> _committed = new();
    private int _count;
    private volatile bool _dispatcherRunning;

    /// <summary>Whether a dispatcher runs in this process to take committed rows (else rows are written unclaimed).</summary>
    public bool DispatcherRunning
    {
        get => _dispatcherRunning;
        set => _dispatcherRunning = value;
    }

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Rows a commit wrote claimed for this process's dispatcher; wakes it.</summary>
    public void Committed(IReadOnlyList<ClaimedRow> rows)
    {
        foreach (var row in rows)
        {
            if (Interlocked.Increment(ref _count) > Capacity)
            {
                Interlocked.Decrement(ref _count);
                break;
            }

            _committed.Enqueue(row);
        }

        Notify();
    }

    /// <summary>
    /// Up to <paramref name="max"/> committed rows, oldest first, leaving out those whose claim ends before
    /// <paramref name="claimMustOutlast"/> (another dispatcher may take them then: they go the table's way).
    /// </summary>
    public List<ClaimedRow> TakeCommitted(int max, DateTimeOffset claimMustOutlast)
    {
        var rows = new List<ClaimedRow>(Math.Min(max, Volatile.Read(ref _count)));
        while (rows.Count < max && _committed.TryDequeue(out var row))
        {
            Interlocked.Decrement(ref _count);
            if (row.Until > claimMustOutlast)
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>Waits for a notification or the timeout, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // the polling interval passed
        }
    }
}
