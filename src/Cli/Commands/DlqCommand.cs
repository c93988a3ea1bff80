using System.CommandLine;
using System.Text.Json;
using BookingSystem.Cli.Messaging;
using BookingSystem.Contracts;
using BookingSystem.DeadLetters;

namespace BookingSystem.Cli.Commands;

/// <summary>
/// <c>booking dlq list [--queue Q] [--max N]</c> shows what the InventoryService's dead-letter queues hold without
/// consuming it; <c>booking dlq replay --queue Q [--max N] [--message-id X]</c> moves messages back to the platform
/// exchange under their original routing key, acking each in the DLQ only after the broker confirmed the republish.
/// </summary>
public static class DlqCommand
{
    public static Command Create() => new("dlq", "Inspect and replay the InventoryService's dead-letter queues.")
    {
        ListCommand(),
        ReplayCommand(),
    };

    private static Command ListCommand()
    {
        var queue = QueueOption(required: false, "Only this queue's DLQ (default: all three: " + string.Join(", ", DeadLetterQueueNames.ConsumerQueues) + ").");
        var max = new Option<int>("--max") { Description = "Messages to show per DLQ (the count is always complete).", DefaultValueFactory = _ => 20 };
        max.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > DeadLetterQueues.MaxRead)
            {
                result.AddError($"--max must be between 0 and {DeadLetterQueues.MaxRead}.");
            }
        });

        var command = new Command("list",
            "Count and show dead-lettered messages (messageId, reason, source queue, routing key to replay with, first 200 characters of the body). " +
            "Nothing is consumed: messages are fetched with basic.get without ack, then nacked with requeue.")
        {
            queue, max,
        };
        command.SetAction((parse, ct) => CommandFailures.RunAsync(parse, async (output, error) =>
        {
            await using var broker = await BrokerClient.ConnectAsync(BrokerSettings.From(DevelopmentSettings.Load()), maxInFlight: 1, ct);
            var queues = parse.GetValue(queue) is { } one
                ? [DeadLetterQueueNames.DeadLetterQueueOf(one)]
                : DeadLetterQueueNames.ConsumerQueues.Select(DeadLetterQueueNames.DeadLetterQueueOf);
            var dlq = Open(broker);
            foreach (var name in queues)
            {
                var listing = await dlq.PeekAsync(name, skip: 0, take: parse.GetValue(max), ct);
                if (listing.Count is null && parse.GetValue(queue) is not null)
                {
                    // The queue asked for by name: an error, as for replay (of all three, a missing one is news).
                    return await UnknownQueueAsync(error, name, broker);
                }

                await WriteListingAsync(output, listing);
            }

            return 0;
        }));
        return command;
    }

    private static Command ReplayCommand()
    {
        var queue = QueueOption(required: true, "The consumer queue (or its .dlq) whose dead letters to replay, e.g. inventory.booking-created.");
        var max = new Option<int?>("--max") { Description = "Replay at most this many (default: every message the DLQ holds now)." };
        max.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--max must be at least 1.");
            }
        });
        var messageId = new Option<string>("--message-id") { Description = "Replay only the message(s) with this message_id; the others stay." };

        var command = new Command("replay",
            "Move dead-lettered messages back to the platform exchange with their original routing key (x-original-routing-key, " +
            "else the x-death record, else derived from the source queue: inventory.booking-created -> booking.created). " +
            "Each is published with a confirm and acked in the DLQ only afterwards.")
        {
            queue, max, messageId,
        };
        command.SetAction((parse, ct) => CommandFailures.RunAsync(parse, async (output, error) =>
        {
            await using var broker = await BrokerClient.ConnectAsync(BrokerSettings.From(DevelopmentSettings.Load()), maxInFlight: 1, ct);
            await broker.DeclareExchangeAsync(ct);
            var name = DeadLetterQueueNames.DeadLetterQueueOf(parse.GetRequiredValue(queue));
            var result = await Open(broker).ReplayAsync(name, parse.GetValue(max), parse.GetValue(messageId), ct,
                letter => output.WriteLineAsync($"  replayed {letter.MessageId ?? "(no message_id)"} -> {broker.Settings.Exchange} / {letter.RoutingKey}"));
            if (result is null)
            {
                return await UnknownQueueAsync(error, name, broker);
            }

            await output.WriteLineAsync($"Replayed {result.Replayed} message(s) from {name}; {result.Remaining} left in it.");
            if (result.Skipped > 0)
            {
                await error.WriteLineAsync($"{result.Skipped} message(s) skipped: no routing key could be found for them (see booking dlq list).");
            }

            if (result.Error is not null)
            {
                await error.WriteLineAsync(result.Error);
                return CommandFailures.Failed;
            }

            return 0;
        }));
        return command;
    }

    /// <summary>A queue named on the command line that the broker does not have: the same error for every verb.</summary>
    private static async Task<int> UnknownQueueAsync(TextWriter error, string name, BrokerClient broker)
    {
        await error.WriteLineAsync($"Queue '{name}' does not exist on {broker.Settings}.");
        return CommandFailures.Failed;
    }

    private static DeadLetterQueues Open(BrokerClient broker) =>
        new(broker.Connection, broker.Settings.Exchange, broker.Settings.PublishTimeout);

    private static Option<string> QueueOption(bool required, string description) =>
        new("--queue", "-q") { Description = description, Required = required, HelpName = "queue" };

    private static async Task WriteListingAsync(TextWriter output, DeadLetterListing listing)
    {
        if (listing.Count is not { } count)
        {
            await output.WriteLineAsync($"{listing.Queue}: does not exist (has the InventoryService run on this vhost?)");
            return;
        }

        await output.WriteLineAsync($"{listing.Queue}: {count} message(s){(listing.Messages.Count < count ? $", showing {listing.Messages.Count}" : string.Empty)}");
        var number = 0;
        foreach (var letter in listing.Messages)
        {
            await output.WriteLineAsync($"  [{++number}] messageId={letter.MessageId ?? "(none)"} source={letter.SourceQueue} replayAs={letter.RoutingKey ?? "(unknown)"}");
            await output.WriteLineAsync($"      reason: {letter.Reason ?? "(none)"}");
            await output.WriteLineAsync($"      body:   {letter.Preview}");
            if (BookingLines(letter) is { Count: > 0 } lines)
            {
                await output.WriteLineAsync($"      lines:  {LineText.Of(lines)}");
            }
        }
    }

    /// <summary>
    /// A dead-lettered BookingCreated's lines with their stays (the preview seldom reaches them); none for a body that
    /// is not a readable BookingCreated envelope.
    /// </summary>
    private static IReadOnlyList<BookingLine>? BookingLines(DeadLetter letter)
    {
        if (letter.RoutingKey != RoutingKeys.BookingCreated)
        {
            return null;
        }

        try
        {
            var envelope = JsonSerializer.Deserialize<EventEnvelope<BookingCreated>>(letter.Body, ContractJson.Options);
            return envelope is null ? null : LineText.LinesOf(envelope.Data);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
