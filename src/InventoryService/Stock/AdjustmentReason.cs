namespace BookingSystem.InventoryService.Stock;

public enum AdjustmentReason
{
    /// <summary>New stock arrived or capacity was added.</summary>
    Restock,

    /// <summary>Units taken out of service because they are damaged.</summary>
    Damaged,

    /// <summary>Units that cannot be found.</summary>
    Lost,

    /// <summary>Units returned to stock.</summary>
    Returned,

    /// <summary>A physical count disagreed with the books.</summary>
    CycleCount,

    /// <summary>A data-entry mistake being corrected.</summary>
    Correction,
}
