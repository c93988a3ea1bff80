using BookingSystem.DeadLetters;

namespace BookingSystem.InventoryService.Messaging;

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "RabbitMQ at {Endpoints} unreachable (attempt {Attempt}, next in {Delay}): {ErrorMessage}")]
    public static partial void BrokerUnreachable(ILogger logger, string endpoints, int attempt, TimeSpan delay, string? errorMessage);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Connected to RabbitMQ ({Purpose}) at {Host}:{Port}, virtual host {VirtualHost}")]
    public static partial void Connected(ILogger logger, string purpose, string host, int port, string virtualHost);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "RabbitMQ connection lost: {Reason}; recovering automatically")]
    public static partial void ConnectionLost(ILogger logger, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "RabbitMQ connection ({Purpose}) recovered, now at {Host}:{Port}")]
    public static partial void ConnectionRecovered(ILogger logger, string purpose, string host, int port);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Consuming {Queue} (prefetch {Prefetch}, batches of up to {BatchSize})")]
    public static partial void Consuming(ILogger logger, string queue, ushort prefetch, int batchSize);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Rejected message {MessageId} from {Queue} to its dead-letter queue: {Reason}")]
    public static partial void Rejected(ILogger logger, string? messageId, string queue, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Handling {MessageEventType} {MessageEventId} from {Queue} failed (delivery {DeliveryCount}); returned to the queue")]
    public static partial void HandlingFailed(ILogger logger, Exception exception, string messageEventType, string messageEventId, string queue, long deliveryCount);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Handled {MessageEventType} {MessageEventId}: {Outcome}")]
    public static partial void Handled(ILogger logger, string messageEventType, string messageEventId, string outcome);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Error, Message = "Consumer of {Queue} failed; restarting in {Delay}")]
    public static partial void ConsumerFailed(ILogger logger, Exception exception, string queue, TimeSpan delay);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Information, Message = "Stopped consuming {Queue}; {Buffered} buffered messages were handled first")]
    public static partial void StoppedConsuming(ILogger logger, string queue, int buffered);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Debug, Message = "Published {Count} outbox messages")]
    public static partial void Dispatched(ILogger logger, int count);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Warning, Message = "Publishing outbox message {MessageEventId} failed: {ErrorMessage}")]
    public static partial void PublishFailed(ILogger logger, string messageEventId, string errorMessage);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Error, Message = "Outbox dispatcher failed; retrying in {Delay}")]
    public static partial void DispatcherFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(EventId = 3030, Level = LogLevel.Information, Message = "Retention deleted {OutboxRows} sent outbox rows and {InboxRows} inbox rows")]
    public static partial void Purged(ILogger logger, int outboxRows, int inboxRows);

    [LoggerMessage(EventId = 3031, Level = LogLevel.Error, Message = "Retention pass failed; the next run retries")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Error, Message = "Could not publish rejected message {MessageId} to the DLQ of {Queue}; rejected it to the queue's dead-letter exchange instead")]
    public static partial void DeadLetterPublishFailed(ILogger logger, Exception exception, string? messageId, string queue);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Warning, Message = "Could not settle message {MessageId} from {Queue}; the broker will redeliver it")]
    public static partial void DeliveryFailed(ILogger logger, Exception exception, string? messageId, string queue);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Information, Message = "Event {MessageEventId} was already processed by {Consumer}; skipped")]
    public static partial void DuplicateEvent(ILogger logger, string messageEventId, string consumer);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Information, Message = "Published {MessageEventType} {MessageEventId} with routing key {RoutingKey}")]
    public static partial void Published(ILogger logger, string messageEventType, string messageEventId, string routingKey);

    [LoggerMessage(EventId = 3032, Level = LogLevel.Warning, Message = "Sampling the outbox backlog and dead-letter queues failed; the next run retries")]
    public static partial void MonitorFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3019, Level = LogLevel.Warning, Message = "Database away while handling {MessageEventType} {MessageEventId} from {Queue} and the rest of its batch of {BatchCount} (attempt {Attempt}); holding them, next try in {Delay}")]
    public static partial void HeldForDatabase(ILogger logger, Exception exception, string messageEventType, string messageEventId, string queue, int batchCount, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 3024, Level = LogLevel.Warning, Message = "A batch of {BatchCount} messages from {Queue} failed; applying them one by one")]
    public static partial void BatchFailed(ILogger logger, Exception exception, string queue, int batchCount);

    [LoggerMessage(EventId = 3040, Level = LogLevel.Information, Message = "{Admin} replayed {Replayed} message(s) from {Queue}: {Skipped} skipped, {Remaining} left, failure {Failure}")]
    public static partial void DeadLettersReplayed(ILogger logger, string admin, string queue, int replayed, int skipped, uint remaining, ReplayFailure failure);

    [LoggerMessage(EventId = 3025, Level = LogLevel.Warning, Message = "Could not give up the claims of {Count} unpublished outbox rows at the stop; they go out when their claims end (within {Lease})")]
    public static partial void ClaimsNotReleased(ILogger logger, Exception exception, int count, TimeSpan lease);

    [LoggerMessage(EventId = 3050, Level = LogLevel.Critical, Message = "Crash point {CrashPoint} reached ({Times} times): killing this process (Faults:CrashAt, a test hook)")]
    public static partial void CrashPointReached(ILogger logger, CrashPoint crashPoint, int times);

    [LoggerMessage(EventId = 3041, Level = LogLevel.Warning, Message = "Dead-letter request failed: RabbitMQ unavailable")]
    public static partial void DeadLetterBrokerUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Warning, Message = "The database is unavailable: {BatchCount} messages from {Queue} wait to be checked (attempt {Attempt}, next in {Delay})")]
    public static partial void TriageHeldForDatabase(ILogger logger, Exception exception, string queue, int batchCount, int attempt, TimeSpan delay);
}
