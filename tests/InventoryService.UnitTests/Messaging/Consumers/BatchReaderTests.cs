using System.Threading.Channels;
using BookingSystem.InventoryService.Messaging.Consumers;

namespace BookingSystem.InventoryService.UnitTests.Messaging.Consumers;

public sealed class BatchReaderTests
{
    private readonly Channel<Delivery> _buffer = Channel.CreateUnbounded<Delivery>();

    [Fact]
    public async Task A_backlog_is_taken_in_batches_of_the_batch_size_in_delivery_order()
    {
        Write(1, 7);
        var reader = new BatchReader(_buffer.Reader, batchSize: 3, linger: TimeSpan.Zero);

        Assert.Equal([1UL, 2UL, 3UL], Tags(await reader.NextAsync()));
        Assert.Equal([4UL, 5UL, 6UL], Tags(await reader.NextAsync()));
        Assert.Equal([7UL], Tags(await reader.NextAsync()));
    }

    [Fact]
    public async Task A_short_batch_waits_for_more_within_the_linger()
    {
        var reader = new BatchReader(_buffer.Reader, batchSize: 2, linger: TimeSpan.FromSeconds(30));
        Write(1, 1);

        var next = reader.NextAsync();
        await Task.Delay(50);
        Assert.False(next.IsCompleted);
        Write(2, 2);

        Assert.Equal([1UL, 2UL], Tags(await next.WaitAsync(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task A_short_batch_goes_when_the_linger_is_up()
    {
        var reader = new BatchReader(_buffer.Reader, batchSize: 10, linger: TimeSpan.FromMilliseconds(100));
        Write(1, 1);

        Assert.Equal([1UL], Tags(await reader.NextAsync().WaitAsync(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task A_full_batch_does_not_wait_for_the_linger()
    {
        var reader = new BatchReader(_buffer.Reader, batchSize: 2, linger: TimeSpan.FromSeconds(30));
        Write(1, 2);

        var batch = await reader.NextAsync().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal([1UL, 2UL], Tags(batch));
    }

    [Fact]
    public async Task A_completed_buffer_is_drained_then_read_as_empty()
    {
        var reader = new BatchReader(_buffer.Reader, batchSize: 10, linger: TimeSpan.FromSeconds(30));
        Write(1, 2);
        _buffer.Writer.Complete();

        Assert.Equal([1UL, 2UL], Tags(await reader.NextAsync().WaitAsync(TimeSpan.FromSeconds(5))));
        Assert.Empty(await reader.NextAsync().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private static IEnumerable<ulong> Tags(IReadOnlyList<Delivery> batch) => batch.Select(d => d.Tag);

    private void Write(ulong first, ulong last)
    {
        for (var tag = first; tag <= last; tag++)
        {
            _buffer.Writer.TryWrite(Deliveries.Json(tag, "{}"));
        }
    }
}
