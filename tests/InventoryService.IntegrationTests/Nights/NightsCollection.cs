namespace BookingSystem.InventoryService.IntegrationTests.Nights;

/// <summary>
/// The storm and the model-based run of nightly inventory each load both cores for a minute or more: they run one
/// after the other, not beside each other, so neither one's timing depends on the other's.
/// </summary>
[CollectionDefinition(nameof(NightsCollection), DisableParallelization = true)]
public sealed class NightsCollection;
