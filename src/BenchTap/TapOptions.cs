namespace BookingSystem.BenchTap;

/// <summary>
/// What the tap listens to and where it writes. The broker comes from the environment (<see cref="AmqpVariable"/>,
/// an <c>amqp://user:password@host:port/vhost</c> URI) so that the password is not on a command line for
/// <c>ps</c> to show; the rest from arguments.
/// </summary>
public sealed record TapOptions(
    Uri Amqp,
    string Output,
    string Exchange,
    string BookingKey,
    string OutcomeKey,
    string? BookingPrefix,
    Uri? Management,
    string? Times)
{
    public const string AmqpVariable = "BENCHTAP_AMQP";

    private static readonly string[] Names =
        ["--out", "--exchange", "--booking-key", "--outcome-key", "--booking-prefix", "--times"];
    public const string ManagementVariable = "BENCHTAP_MANAGEMENT";

    public const string Usage =
        "booking-tap --out PATH [--exchange booking.events] [--booking-key booking.created] " +
        "[--outcome-key inventory.#] " +
        "[--booking-prefix PREFIX] [--times CSV]; environment: BENCHTAP_AMQP=amqp://user:password@host:port/vhost, " +
        "BENCHTAP_MANAGEMENT=http://host:15672/api/ (optional: the broker's own counts of the tap's queues). " +
        "Prints 'ready' once listening; on stdin closed, SIGTERM or SIGINT writes the JSON and exits.";

    /// <exception cref="ArgumentException">A missing or unknown argument, or no broker URI.</exception>
    public static TapOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--exchange"] = "booking.events",
            ["--booking-key"] = "booking.created",
            ["--outcome-key"] = "inventory.#",
        };
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!Names.Contains(args[i]) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'. Usage: {Usage}");
            }

            values[args[i]] = args[i + 1];
        }

        var amqp = environment(AmqpVariable);
        if (!values.TryGetValue("--out", out var output) || string.IsNullOrEmpty(amqp))
        {
            throw new ArgumentException($"--out and {AmqpVariable} are required. Usage: {Usage}");
        }

        var management = environment(ManagementVariable);
        return new TapOptions(new Uri(amqp), output, values["--exchange"], values["--booking-key"],
            values["--outcome-key"],
            values.GetValueOrDefault("--booking-prefix"), string.IsNullOrEmpty(management) ? null : new Uri(management),
            values.GetValueOrDefault("--times"));
    }
}
