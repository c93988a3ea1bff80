using System.CommandLine;
using BookingSystem.Cli.Messaging;
using BookingSystem.Cli.Messaging.Simulation;
using static BookingSystem.Cli.Commands.OptionRules;

namespace BookingSystem.Cli.Commands;

/// <summary>
/// <c>booking simulate --bookings N --items M ...</c>: drives N bookings over M live items through the running
/// InventoryService (see <see cref="SimulationRunner"/>), prints progress every second and a summary, and exits
/// non-zero unless every booking has exactly one final outcome and the items' reserved counters match.
/// </summary>
public static class SimulateCommand
{
    public const int MaxBookings = 1_000_000;

    public static Command Create()
    {
        var bookings = Ranged(new Option<int>("--bookings", "-n") { Description = "How many bookings to publish.", DefaultValueFactory = _ => 1_000 }, 1, MaxBookings);
        var items = Ranged(new Option<int>("--items", "-m") { Description = "How many live items to book (those with stock left first).", DefaultValueFactory = _ => 20 }, 1, 10_000);
        var quantityMax = Ranged(new Option<int>("--quantity-max") { Description = "Each line books 1..this many units.", DefaultValueFactory = _ => 2 }, 1, 1_000);
        var linesMax = Ranged(new Option<int>("--lines-max") { Description = "Each booking has 1..this many lines (distinct items).", DefaultValueFactory = _ => 2 }, 1, 50);
        var failureRate = Rate(new Option<double>("--payment-failure-rate") { Description = "Share of bookings whose payment fails (PaymentFailed -> released).", DefaultValueFactory = _ => 0.1 });
        var neverPayRate = Rate(new Option<double>("--never-pay-rate") { Description = "Share of bookings that never pay (stay Reserved until the hold expires).", DefaultValueFactory = _ => 0.05 });
        var holdMinutes = Ranged(new Option<int>("--hold-minutes") { Description = "holdMinutes of every BookingCreated.", DefaultValueFactory = _ => 15 }, 1, 1_440);
        var concurrency = Ranged(new Option<int>("--concurrency") { Description = "Publishes in flight at once (each awaits its confirm).", DefaultValueFactory = _ => 50 }, 1, 1_000);
        var timeout = Ranged(new Option<int>("--timeout") { Description = "Seconds to wait, from the first publish, for every booking's final outcome.", DefaultValueFactory = _ => 120 }, 1, 3_600);
        var seed = new Option<int>("--seed") { Description = "Seed of the random choices (items, lines, quantities, payment fates).", DefaultValueFactory = _ => 1 };
        var stays = new Option<bool>("--stays")
        {
            Description = "Book stays at the Nightly items (room types) instead of the Pool items: each booking " +
                $"one stay of 1-{StayWindow.MaxNights} nights for all its lines, checking in 1-{StayWindow.Days} " +
                "days from today (UTC), drawn with --seed. The check then compares each night's held + confirmed " +
                "(GET /api/inventory/{itemId}/calendar) instead of the items' reserved. Create nightly items first.",
        };
        var apiOption = new Option<Uri>("--api")
        {
            Description = "Where to read the item list (GET /api/inventory, anonymous): the gateway by default (http://127.0.0.1:$GATEWAY_PORT), or the service, e.g. http://127.0.0.1:5004.",
            CustomParser = result => Uri.TryCreate(result.Tokens[0].Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : Invalid<Uri>(result, "--api must be an absolute http(s) URL."),
        };

        var command = new Command("simulate",
            "Drive N bookings over M live items through the running InventoryService and check that each gets exactly one final outcome " +
            "and that the items' reserved counters match. Pays (or fails to pay) each booking once its stock is held, observes the outcomes " +
            "on a temporary queue bound to inventory.#, prints progress every second and a summary. Exit code 0 only if all checks pass.")
        {
            bookings, items, quantityMax, linesMax, failureRate, neverPayRate, holdMinutes, concurrency, timeout, seed,
            stays, apiOption,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(failureRate) + result.GetValue(neverPayRate) > 1)
            {
                result.AddError("--payment-failure-rate plus --never-pay-rate must not exceed 1.");
            }
        });
        command.SetAction((parse, ct) => CommandFailures.RunAsync(parse, async (output, error) =>
        {
            var settings = DevelopmentSettings.Load();
            var options = new SimulationOptions
            {
                Bookings = parse.GetValue(bookings),
                Items = parse.GetValue(items),
                QuantityMax = parse.GetValue(quantityMax),
                LinesMax = parse.GetValue(linesMax),
                PaymentFailureRate = parse.GetValue(failureRate),
                NeverPayRate = parse.GetValue(neverPayRate),
                HoldMinutes = parse.GetValue(holdMinutes),
                Concurrency = parse.GetValue(concurrency),
                Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                Seed = parse.GetValue(seed),
                Stays = parse.GetValue(stays) ? StayWindow.StartingTomorrow(TimeProvider.System) : null,
            };
            var api = parse.GetValue(apiOption) ?? new Uri($"http://127.0.0.1:{settings.Get("GATEWAY_PORT") ?? "5000"}/");
            var runner = new SimulationRunner(options, BrokerSettings.From(settings), api, output, TimeProvider.System);
            SimulationReport report;
            try
            {
                report = await runner.RunAsync(ct);
            }
            catch (SimulationException e)
            {
                await error.WriteLineAsync(e.Message);
                return CommandFailures.Failed;
            }

            report.Write(output);
            return report.Passed ? 0 : CommandFailures.Failed;
        }));
        return command;
    }
}
