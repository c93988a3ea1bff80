using System.Diagnostics;
using System.Threading.Channels;

namespace BookingSystem.InventoryService.Messaging.Consumers;

/// <summary>
/// Takes a consumer's buffered deliveries as batches: what is ready, up to <paramref name="batchSize"/>; while short
/// of it, waiting at most <paramref name="linger"/> for more, so a lone message is not held back and a backlog is
/// applied in few transactions.
/// </summary>
public sealed class BatchReader(ChannelReader<Delivery> buffer, int batchSize, TimeSpan linger)
{
    /// <summary>
    /// The next batch, after waiting for its first delivery; empty once the buffer is completed and drained.
    /// </summary>
    public async Task<IReadOnlyList<Delivery>> NextAsync()
    {
        var batch = new List<Delivery>();
        if (!await buffer.WaitToReadAsync(CancellationToken.None))
        {
            return batch;
        }

        var started = Stopwatch.GetTimestamp();
        while (batch.Count < batchSize)
        {
            if (buffer.TryRead(out var delivery))
            {
                batch.Add(delivery);
                continue;
            }

            var left = linger - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero || !await WaitAsync(left))
            {
                break;
            }
        }

        return batch;
    }

    /// <summary>
    /// Whether more arrived within <paramref name="left"/> (false: the time is up or the buffer completed).
    /// </summary>
    private async Task<bool> WaitAsync(TimeSpan left)
    {
        using var wait = new CancellationTokenSource(left);
        try
        {
            return await buffer.WaitToReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested)
        {
            return false;
        }
    }
}
