using System.CommandLine;
using RabbitMQ.Client.Exceptions;

namespace BookingSystem.Cli.Messaging;

/// <summary>Turns the failures an operator can act on (broker down, queue missing, API unreachable) into one line and exit code 1.</summary>
public static class CommandFailures
{
    public const int Failed = 1;

    public static async Task<int> RunAsync(ParseResult parse, Func<TextWriter, TextWriter, Task<int>> action)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await action(output, error);
        }
        catch (BrokerException e)
        {
            await error.WriteLineAsync(e.Message);
        }
        catch (OperationInterruptedException e)
        {
            await error.WriteLineAsync($"The broker closed the channel: {e.ShutdownReason?.ReplyCode} {e.ShutdownReason?.ReplyText ?? e.Message}");
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"HTTP request failed: {e.Message}");
        }

        return Failed;
    }
}
