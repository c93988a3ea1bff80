using System.ComponentModel.DataAnnotations;

namespace BookingSystem.InventoryService.Stock;

/// <summary>Configuration section <c>Nightly</c>: the rules of per-night items.</summary>
public sealed class NightlyOptions
{
    public const string SectionName = "Nightly";

    /// <summary>The most nights one calendar read or change may cover.</summary>
    public const int MaxCalendarNights = 366;

    /// <summary>How many days ahead nights exist and can be sold (from today in the item's time zone).</summary>
    [Range(1, 3_650)]
    public int HorizonDays { get; set; } = 730;

    /// <summary>The longest stay one line may ask for, in nights.</summary>
    [Range(1, 366)]
    public int MaxStayNights { get; set; } = 30;

    /// <summary>The time zone (IANA id) of a nightly item created without one.</summary>
    [Required]
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>How often the horizon job adds the nights that came into the horizon.</summary>
    public TimeSpan HorizonInterval { get; set; } = TimeSpan.FromHours(1);
}
