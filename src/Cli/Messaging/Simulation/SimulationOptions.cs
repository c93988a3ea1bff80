namespace BookingSystem.Cli.Messaging.Simulation;

/// <summary>What <c>booking simulate</c> was asked to do (validated by the command's option validators).</summary>
public sealed record SimulationOptions
{
    public int Bookings { get; init; } = 1_000;

    public int Items { get; init; } = 20;

    public int QuantityMax { get; init; } = 2;

    public int LinesMax { get; init; } = 2;

    public double PaymentFailureRate { get; init; } = 0.1;

    public double NeverPayRate { get; init; } = 0.05;

    public int HoldMinutes { get; init; } = 15;

    public int Concurrency { get; init; } = 50;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    public int Seed { get; init; } = 1;

    /// <summary>Null: undated bookings of pool items; else each booking is a stay at nightly items.</summary>
    public StayWindow? Stays { get; init; }

    /// <summary>How long to keep listening after every booking has its outcome, to catch late duplicates.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(2);
}
