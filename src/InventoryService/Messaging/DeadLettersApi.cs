using System.Net.Sockets;
using System.Security.Claims;
using BookingSystem.DeadLetters;
using BookingSystem.InventoryService.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RabbitMQ.Client.Exceptions;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// The consumer queues' DLQs for admins, with the semantics of <c>booking dlq list|replay</c> because it is the same
/// code (<see cref="DeadLetterQueues"/>): a listing reads without consuming; a replay republishes each message under
/// its original routing key and acks it in the DLQ only after the broker's confirm.
/// </summary>
public static class DeadLettersApi
{
    public const int MaxPageSize = 100;

    /// <summary>The deepest page (page × pageSize): a listing holds every message up to its page unacked meanwhile.</summary>
    public const int MaxPeek = DeadLetterQueues.MaxRead;

    public const int MaxReplay = 1_000_000;
    private const int DefaultPageSize = 20;
    private const int MaxMessageIdLength = 255;

    /// <summary>How long a request waits for the broker connection (first connect, recovery) before it answers 503.</summary>
    private static readonly TimeSpan ConnectionWait = TimeSpan.FromSeconds(5);

    public static RouteGroupBuilder MapDeadLettersApi(this RouteGroupBuilder group)
    {
        group.MapGet("/", ListDeadLetters).WithName("ListDeadLetters")
            .WithSummary("One page of a DLQ's messages (reason, source queue, original routing key, body), consuming none.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/queues", CountDeadLetters).WithName("CountDeadLetters")
            .WithSummary("Every consumer queue's DLQ with the number of messages in it.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/replay", ReplayDeadLetters).WithName("ReplayDeadLetters")
            .WithSummary("Republish a DLQ's messages (one by message id, or all) under their original routing key.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary>Reads on the consume connection: a broker blocking publishers does not stall a listing.</summary>
    public static async Task<Results<Ok<DeadLetterPage>, ValidationProblem, ProblemHttpResult>> ListDeadLetters(
        [FromKeyedServices(RabbitMqConnection.ConsumePurpose)] RabbitMqConnection? broker, IOptions<RabbitMqOptions> options,
        ILoggerFactory loggers, string? queue, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        CheckQueue(errors, queue);
        var (number, size) = (page ?? 1, pageSize ?? DefaultPageSize);
        errors.RequireRange("page", number, 1, MaxPeek);
        errors.RequireRange("pageSize", size, 1, MaxPageSize);
        if (errors.IsEmpty && (long)number * size > MaxPeek)
        {
            errors.Add("page", $"page × pageSize must be at most {MaxPeek}: a listing reads every message before the page.");
        }

        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (broker is null)
        {
            return MessagingDisabled();
        }

        try
        {
            var deadLetters = await OpenAsync(broker, options.Value, cancellationToken);
            var deadLetterQueue = DeadLetterQueueNames.DeadLetterQueueOf(queue!);
            var listing = await deadLetters.PeekAsync(deadLetterQueue, skip: (number - 1) * size, take: size, cancellationToken);
            return listing.Count is { } count
                ? TypedResults.Ok(new DeadLetterPage(deadLetterQueue, count, number, size, listing.Messages.Select(DeadLetterMessage.From).ToList()))
                : QueueNotFound(deadLetterQueue);
        }
        catch (Exception e) when (IsBrokerFailure(e, cancellationToken))
        {
            return BrokerUnavailable(loggers, e);
        }
    }

    /// <summary>A count per DLQ, null for one not declared yet; reads nothing from the queues.</summary>
    public static async Task<Results<Ok<DeadLetterOverview>, ProblemHttpResult>> CountDeadLetters(
        [FromKeyedServices(RabbitMqConnection.ConsumePurpose)] RabbitMqConnection? broker, IOptions<RabbitMqOptions> options,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (broker is null)
        {
            return MessagingDisabled();
        }

        try
        {
            var deadLetters = await OpenAsync(broker, options.Value, cancellationToken);
            var counts = new List<DeadLetterQueueCount>();
            foreach (var queue in DeadLetterQueueNames.ConsumerQueues.Select(DeadLetterQueueNames.DeadLetterQueueOf))
            {
                counts.Add(new DeadLetterQueueCount(queue, await deadLetters.CountAsync(queue, cancellationToken)));
            }

            return TypedResults.Ok(new DeadLetterOverview(counts));
        }
        catch (Exception e) when (IsBrokerFailure(e, cancellationToken))
        {
            return BrokerUnavailable(loggers, e);
        }
    }

    /// <summary>
    /// Publishes on the publish connection, like the outbox. 404 when the DLQ or the asked-for message id is not
    /// there; 503, with what was replayed so far, when a republish fails (the message stays in the DLQ).
    /// </summary>
    public static async Task<Results<Ok<ReplayResponse>, ValidationProblem, ProblemHttpResult>> ReplayDeadLetters(
        [FromKeyedServices(RabbitMqConnection.PublishPurpose)] RabbitMqConnection? broker, IOptions<RabbitMqOptions> options,
        ILoggerFactory loggers, HttpContext http, ReplayRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        CheckQueue(errors, request.Queue);
        errors.CheckText("messageId", request.MessageId, MaxMessageIdLength);
        if (request.Max is not null)
        {
            errors.RequireRange("max", request.Max, 1, MaxReplay);
        }

        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (broker is null)
        {
            return MessagingDisabled();
        }

        var deadLetterQueue = DeadLetterQueueNames.DeadLetterQueueOf(request.Queue!);
        try
        {
            var deadLetters = await OpenAsync(broker, options.Value, cancellationToken);
            if (await deadLetters.ReplayAsync(deadLetterQueue, request.Max, request.MessageId, cancellationToken) is not { } result)
            {
                return QueueNotFound(deadLetterQueue);
            }

            Log.DeadLettersReplayed(Logger(loggers), http.User.FindFirstValue("sub") ?? "(no sub)", deadLetterQueue,
                result.Replayed, result.Skipped, result.Remaining, result.Failure);
            return result.Failure switch
            {
                ReplayFailure.MessageNotFound => Problems.Create(StatusCodes.Status404NotFound, "Message not found", result.Error!,
                    ("queue", deadLetterQueue), ("remaining", result.Remaining)),
                ReplayFailure.PublishFailed => Problems.Create(StatusCodes.Status503ServiceUnavailable, "Replay interrupted", result.Error!,
                    ("queue", deadLetterQueue), ("replayed", result.Replayed), ("skipped", result.Skipped), ("remaining", result.Remaining)),
                _ => TypedResults.Ok(new ReplayResponse(deadLetterQueue, result.Replayed, result.Skipped, result.Remaining)),
            };
        }
        catch (Exception e) when (IsBrokerFailure(e, cancellationToken))
        {
            return BrokerUnavailable(loggers, e);
        }
    }

    /// <summary>Only the service's own consumer queues (or their DLQs): this endpoint is no general queue browser.</summary>
    private static void CheckQueue(ValidationErrors errors, string? queue)
    {
        errors.CheckText("queue", queue, maxLength: 255, required: true);
        if (!errors.Has("queue") && !DeadLetterQueueNames.IsConsumerQueue(queue!))
        {
            errors.Add("queue", $"queue must be one of: {string.Join(", ", DeadLetterQueueNames.ConsumerQueues)} (or the same with .dlq).");
        }
    }

    private static async Task<DeadLetterQueues> OpenAsync(RabbitMqConnection broker, RabbitMqOptions settings, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(ConnectionWait);
        var connection = await broker.GetAsync(wait.Token);
        return new DeadLetterQueues(connection, settings.Exchange, settings.PublishTimeout);
    }

    /// <summary>The broker is away, recovering or too slow; not the caller going away (that cancels the request).</summary>
    private static bool IsBrokerFailure(Exception e, CancellationToken cancellationToken) =>
        e is OperationInterruptedException or IOException or SocketException or TimeoutException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static ProblemHttpResult BrokerUnavailable(ILoggerFactory loggers, Exception e)
    {
        Log.DeadLetterBrokerUnavailable(Logger(loggers), e);
        return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Broker unavailable",
            "RabbitMQ cannot be reached right now (connecting or recovering); try again shortly.");
    }

    private static ProblemHttpResult MessagingDisabled() =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "Messaging disabled",
            "This instance runs without RabbitMQ (RabbitMq:Enabled is false), so it has no dead-letter queues to show.");

    private static ProblemHttpResult QueueNotFound(string deadLetterQueue) =>
        Problems.Create(StatusCodes.Status404NotFound, "Queue not found",
            $"{deadLetterQueue} does not exist on the broker (the service declares it when its consumer starts).");

    private static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger(typeof(DeadLettersApi));
}
