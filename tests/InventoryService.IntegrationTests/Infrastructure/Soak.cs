namespace BookingSystem.InventoryService.IntegrationTests.Infrastructure;

/// <summary>
/// The fault suite's soak mode: <c>FAULT_SOAK=N</c> (default 1) multiplies the bookings, the kills and the waits of
/// the fault tests by N, e.g. <c>FAULT_SOAK=10 ./eng/test.sh --filter "FullyQualifiedName~Faults|FullyQualifiedName~DatabaseRestart"</c>.
/// </summary>
public static class Soak
{
    public static int Factor { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("FAULT_SOAK"), System.Globalization.CultureInfo.InvariantCulture, out var factor) && factor > 1
            ? factor
            : 1;

    public static TimeSpan Scaled(TimeSpan wait) => wait * Factor;
}
