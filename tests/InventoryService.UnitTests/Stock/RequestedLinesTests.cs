using BookingSystem.InventoryService.Stock;
using BookingSystem.InventoryService.Validation;

namespace BookingSystem.InventoryService.UnitTests.Stock;

public sealed class RequestedLinesTests
{
    [Fact]
    public void Shorthand_with_item_id_defaults_the_quantity_to_one()
    {
        var errors = new ValidationErrors();

        var lines = RequestedLines.Normalize(null, new ShorthandInput("ROOM-101", null, null), TestStays.None, errors);

        Assert.True(errors.IsEmpty);
        Assert.Equal([new RequestedLine("ROOM-101", 1)], lines);
    }

    [Fact]
    public void Shorthand_accepts_room_id_as_the_item_id()
    {
        var errors = new ValidationErrors();

        var lines = RequestedLines.Normalize(null, new ShorthandInput(null, "ROOM-7", 3), TestStays.None, errors);

        Assert.Equal([new RequestedLine("ROOM-7", 3)], lines);
    }

    [Fact]
    public void Lines_are_merged_per_item_and_sorted_in_lock_order()
    {
        var errors = new ValidationErrors();
        LineInput[] items = [new("B", 1), new("A", 2), new("B", 3)];

        var lines = RequestedLines.Normalize(items, new ShorthandInput(null, null, null), TestStays.None, errors);

        Assert.Equal([new RequestedLine("A", 2), new RequestedLine("B", 4)], lines);
    }

    [Fact]
    public void Merged_lines_above_the_per_item_maximum_are_rejected()
    {
        var errors = new ValidationErrors();
        LineInput[] items = [new("A", RequestedLines.MaxQuantityPerLine), new("A", 1)];

        var lines = RequestedLines.Normalize(items, new ShorthandInput(null, null, null), TestStays.None, errors);

        Assert.Empty(lines);
        Assert.Contains("items", errors.ToDictionary().Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(RequestedLines.MaxQuantityPerLine + 1)]
    public void Quantities_outside_the_allowed_range_are_field_errors(int quantity)
    {
        var errors = new ValidationErrors();

        var lines = RequestedLines.Normalize(
            [new LineInput("A", quantity)], new ShorthandInput(null, null, null), TestStays.None, errors);

        Assert.Empty(lines);
        Assert.Contains("items[0].quantity", errors.ToDictionary().Keys);
    }

    [Fact]
    public void Every_bad_line_is_reported_with_its_index()
    {
        var errors = new ValidationErrors();

        RequestedLines.Normalize(
            [new LineInput(null, 1), null, new LineInput("ok", null)], new ShorthandInput(null, null, null), TestStays.None,
            errors);

        Assert.Equal(["items[0].itemId", "items[1]", "items[2].quantity"], errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Both_shapes_at_once_are_refused()
    {
        var errors = new ValidationErrors();

        RequestedLines.Normalize([new LineInput("A", 1)], new ShorthandInput("A", null, null), TestStays.None, errors);

        Assert.Contains("items", errors.ToDictionary().Keys);
    }

    [Fact]
    public void More_than_the_maximum_number_of_lines_is_refused()
    {
        var errors = new ValidationErrors();
        var items = Enumerable.Range(0, RequestedLines.MaxLines + 1).Select(i => new LineInput($"I{i}", 1)).ToList();

        var lines = RequestedLines.Normalize(items, new ShorthandInput(null, null, null), TestStays.None, errors);

        Assert.Empty(lines);
        Assert.Contains("items", errors.ToDictionary().Keys);
    }

    [Fact]
    public void Conflicting_item_and_room_ids_are_refused_but_equal_ones_are_fine()
    {
        var conflicting = new ValidationErrors();
        var equal = new ValidationErrors();

        RequestedLines.Normalize(null, new ShorthandInput("A", "B", 1), TestStays.None, conflicting);
        var lines = RequestedLines.Normalize(null, new ShorthandInput("A", "A", 1), TestStays.None, equal);

        Assert.Contains("roomId", conflicting.ToDictionary().Keys);
        Assert.Equal([new RequestedLine("A", 1)], lines);
    }
}
