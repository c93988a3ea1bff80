using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using BookingSystem.Cli.Messaging;
using BookingSystem.Contracts;
using static BookingSystem.Cli.Commands.OptionRules;

namespace BookingSystem.Cli.Commands;

/// <summary>Sends one message and says where it went (e.g. "exchange booking.events at amqp://...").</summary>
public delegate Task<string> MessageSender(OutgoingMessage message, CancellationToken cancellationToken);

/// <summary>
/// <c>booking publish booking-created|payment-succeeded|payment-failed ...</c> and <c>booking publish --file F</c>:
/// plays the booking and payment services. One event per call, in the wire envelope, on the platform exchange,
/// with publisher confirms and a timeout; prints the eventId and the routing key. The values are sent as given
/// (not checked against the service's rules), so invalid events can be sent on purpose to see them dead-lettered.
/// </summary>
public static class PublishCommand
{
    /// <param name="send">Where messages go; the broker from the settings unless a test passes its own.</param>
    /// <param name="time">The clock for <c>occurredAt</c>.</param>
    public static Command Create(MessageSender? send = null, TimeProvider? time = null)
    {
        send ??= SendToBrokerAsync;
        time ??= TimeProvider.System;

        var file = new Option<FileInfo>("--file", "-f")
        {
            Description = "Publish this file's content unchanged (a full envelope JSON; see docs/messaging.md). " +
                "message_id, correlation_id and type are taken from its eventId, correlationId and eventType.",
            HelpName = "event.json",
        };
        file.AcceptExistingOnly();
        var routingKey = new Option<string>("--routing-key")
        {
            Description = "Routing key for --file (default: the one of the file's eventType, e.g. BookingCreated -> booking.created).",
        };

        var command = new Command("publish", "Publish one event to the platform exchange as the booking or payment service would.")
        {
            file,
            routingKey,
            BookingCreatedCommand(send, time),
            PaymentSucceededCommand(send, time),
            PaymentFailedCommand(send, time),
        };
        command.SetAction((parse, ct) => CommandFailures.RunAsync(parse, async (output, error) =>
        {
            if (parse.GetValue(file) is not { } path)
            {
                await error.WriteLineAsync("Choose an event (booking-created, payment-succeeded, payment-failed) or --file; see booking publish --help.");
                return CommandFailures.Failed;
            }

            OutgoingMessage message;
            try
            {
                message = OutgoingMessage.FromFile(await File.ReadAllBytesAsync(path.FullName, ct), parse.GetValue(routingKey));
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync(e.Message);
                return CommandFailures.Failed;
            }

            await SendAndReportAsync(send, message, output, ct);
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Pairs <c>--item</c> and <c>--quantity</c> in command-line order: a <c>--quantity</c> sets the quantity of the
    /// <c>--item</c> just before it; an item without one has quantity 1.
    /// </summary>
    /// <exception cref="ArgumentException">A <c>--quantity</c> before any <c>--item</c>, twice for one item, or not a number.</exception>
    public static IReadOnlyList<BookingLine> PairLines(IEnumerable<(bool IsItem, string Value)> values)
    {
        var items = new List<string>();
        var quantities = new List<int?>();
        foreach (var (isItem, value) in values)
        {
            if (isItem)
            {
                items.Add(value);
                quantities.Add(null);
                continue;
            }

            if (items.Count == 0)
            {
                throw new ArgumentException($"--quantity {value} comes before any --item; put it after the --item it is for.");
            }

            if (quantities[^1] is not null)
            {
                throw new ArgumentException($"--item {items[^1]} has more than one --quantity.");
            }

            quantities[^1] = int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var quantity)
                ? quantity
                : throw new ArgumentException($"--quantity must be a whole number, not '{value}'.");
        }

        return items.Select((item, i) => new BookingLine(item, quantities[i] ?? 1)).ToList();
    }

    private static Command BookingCreatedCommand(MessageSender send, TimeProvider time)
    {
        var bookingId = BookingIdOption();
        var item = new Option<string[]>("--item")
        {
            Description = "An item (room) to book; repeat for several lines, e.g. --item ROOM-101 --quantity 2 --item ROOM-102.",
            Required = true,
            HelpName = "itemId",
        };
        var quantity = new Option<int[]>("--quantity")
        {
            Description = "Quantity of the --item just before it (default 1).",
            HelpName = "n",
        };
        var holdMinutes = new Option<int?>("--hold-minutes") { Description = "How long the stock is held without payment (service default: 15)." };
        var user = new Option<string>("--user") { Description = "userId of the booking.", DefaultValueFactory = _ => "cli" };
        var checkIn = IsoDate(new Option<DateOnly?>("--check-in")
        {
            Description = "First night of the stay, e.g. 2027-06-03, for every --item line (a nightly item, " +
                "such as a room type, needs a stay; a pool item takes none). Give --check-out with it.",
        });
        var checkOut = IsoDate(new Option<DateOnly?>("--check-out")
        {
            Description = "The day the stay ends, after --check-in: the nights booked are [check-in, check-out), " +
                "e.g. --check-in 2027-06-03 --check-out 2027-06-06 is 3 nights.",
        });
        var (correlationId, eventId) = (CorrelationIdOption(), EventIdOption());

        var command = new Command("booking-created",
            $"Publish BookingCreated ({RoutingKeys.BookingCreated}): asks the InventoryService to hold stock, " +
            "for a stay with --check-in/--check-out.")
        {
            bookingId, item, quantity, holdMinutes, user, checkIn, checkOut, correlationId, eventId,
        };
        command.SetAction((parse, ct) => CommandFailures.RunAsync(parse, async (output, error) =>
        {
            var id = parse.GetRequiredValue(bookingId);
            IReadOnlyList<BookingLine> lines;
            try
            {
                // The stay is the booking's, so every line gets it (in items: the service takes items or the
                // single-item shorthand, never both).
                lines = WithStay(PairLines(ItemAndQuantityTokens(parse.Tokens, item, quantity)),
                    parse.GetValue(checkIn), parse.GetValue(checkOut));
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync(e.Message);
                return CommandFailures.Failed;
            }

            var data = new BookingCreated(id, UserId: parse.GetValue(user), Items: lines, HoldMinutes: parse.GetValue(holdMinutes));
            var message = OutgoingMessage.ForEvent(EventCatalog.BookingCreated, data,
                parse.GetValue(correlationId) ?? id, parse.GetValue(eventId) ?? NewEventId(), causationId: null, time.GetUtcNow());
            await SendAndReportAsync(send, message, output, ct);
            await output.WriteLineAsync($"  lines: {LineText.Of(lines)}");
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Gives every line the booking's stay: both dates or neither, check-out after check-in (the service's other
    /// rules, such as the longest stay, are left to it).
    /// </summary>
    /// <exception cref="ArgumentException">Only one of the dates, or check-out not after check-in.</exception>
    public static IReadOnlyList<BookingLine> WithStay(
        IReadOnlyList<BookingLine> lines, DateOnly? checkIn, DateOnly? checkOut)
    {
        if ((checkIn is null) != (checkOut is null))
        {
            throw new ArgumentException(
                "Give --check-in and --check-out together (the stay is [check-in, check-out)), or neither.");
        }

        if (checkOut <= checkIn)
        {
            throw new ArgumentException($"--check-out {LineText.Date(checkOut!.Value)} must be after " +
                $"--check-in {LineText.Date(checkIn!.Value)}.");
        }

        return [.. lines.Select(l => l with { CheckIn = checkIn, CheckOut = checkOut })];
    }

    private static Command PaymentSucceededCommand(MessageSender send, TimeProvider time)
    {
        var bookingId = BookingIdOption();
        var paymentId = PaymentIdOption();
        var (correlationId, eventId) = (CorrelationIdOption(), EventIdOption());
        var command = new Command("payment-succeeded", $"Publish PaymentSucceeded ({RoutingKeys.PaymentSucceeded}): the booking is paid; its hold becomes a sale.")
        {
            bookingId, paymentId, correlationId, eventId,
        };
        command.SetAction((parse, ct) => CommandFailures.RunAsync(parse, async (output, _) =>
        {
            var id = parse.GetRequiredValue(bookingId);
            var data = new PaymentSucceeded(id, parse.GetValue(paymentId) ?? $"pay-{id}");
            await SendAndReportAsync(send, OutgoingMessage.ForEvent(EventCatalog.PaymentSucceeded, data,
                parse.GetValue(correlationId) ?? id, parse.GetValue(eventId) ?? NewEventId(), causationId: null, time.GetUtcNow()), output, ct);
            return 0;
        }));
        return command;
    }

    private static Command PaymentFailedCommand(MessageSender send, TimeProvider time)
    {
        var bookingId = BookingIdOption();
        var paymentId = PaymentIdOption();
        var reason = new Option<string>("--reason") { Description = "Why the payment failed.", DefaultValueFactory = _ => "card declined" };
        var (correlationId, eventId) = (CorrelationIdOption(), EventIdOption());
        var command = new Command("payment-failed", $"Publish PaymentFailed ({RoutingKeys.PaymentFailed}): the booking's hold is released (compensation).")
        {
            bookingId, paymentId, reason, correlationId, eventId,
        };
        command.SetAction((parse, ct) => CommandFailures.RunAsync(parse, async (output, _) =>
        {
            var id = parse.GetRequiredValue(bookingId);
            var data = new PaymentFailed(id, parse.GetValue(paymentId) ?? $"pay-{id}", parse.GetValue(reason));
            await SendAndReportAsync(send, OutgoingMessage.ForEvent(EventCatalog.PaymentFailed, data,
                parse.GetValue(correlationId) ?? id, parse.GetValue(eventId) ?? NewEventId(), causationId: null, time.GetUtcNow()), output, ct);
            return 0;
        }));
        return command;
    }

    public static string NewEventId() => Guid.CreateVersion7().ToString();

    private static Option<string> BookingIdOption() => new("--booking-id") { Description = "The booking's id.", Required = true };

    private static Option<string> PaymentIdOption() => new("--payment-id") { Description = "The payment's id (default: pay-<booking-id>)." };

    private static Option<string> CorrelationIdOption() => new("--correlation-id") { Description = "The envelope's correlationId (default: the booking id)." };

    private static Option<string> EventIdOption() => new("--event-id")
    {
        Description = "The envelope's eventId (default: a new UUIDv7). Reuse one to publish a copy the service must ignore.",
    };

    /// <summary>The values of <paramref name="item"/> and <paramref name="quantity"/> in the order they were typed.</summary>
    private static IEnumerable<(bool IsItem, string Value)> ItemAndQuantityTokens(IReadOnlyList<Token> tokens, Option item, Option quantity)
    {
        static bool Names(Option option, string token) => option.Name == token || option.Aliases.Contains(token);
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            if (tokens[i].Type == TokenType.Option && (Names(item, tokens[i].Value) || Names(quantity, tokens[i].Value)) && tokens[i + 1].Type == TokenType.Argument)
            {
                yield return (Names(item, tokens[i].Value), tokens[i + 1].Value);
            }
        }
    }

    private static async Task SendAndReportAsync(MessageSender send, OutgoingMessage message, TextWriter output, CancellationToken ct)
    {
        var destination = await send(message, ct);
        await output.WriteLineAsync($"Published {message.EventType ?? "message"}: eventId={message.EventId ?? "(none)"} routingKey={message.RoutingKey} correlationId={message.CorrelationId ?? "(none)"}");
        await output.WriteLineAsync($"  to {destination}");
    }

    private static async Task<string> SendToBrokerAsync(OutgoingMessage message, CancellationToken ct)
    {
        await using var broker = await BrokerClient.ConnectAsync(BrokerSettings.From(DevelopmentSettings.Load()), maxInFlight: 1, ct);
        await broker.DeclareExchangeAsync(ct);
        await broker.PublishAsync(message, ct);
        return $"exchange {broker.Settings.Exchange} at {broker.Settings}";
    }
}
