using Polly;
using Polly.Retry;

namespace BookingSystem.InventoryService;

/// <summary>
/// The one retry shape this service uses (database work, first connections): exponential backoff with jitter.
/// </summary>
public static class ExponentialRetry
{
    /// <param name="handles">Whether to retry after this error, given the number of the attempt that failed (0 = the
    /// first).</param>
    /// <param name="onRetry">Called before each wait with the number of the attempt that follows, the wait and the
    /// error.</param>
    public static ResiliencePipeline Create(
        Func<Exception, int, bool> handles, int attempts, TimeSpan delay, TimeSpan maxDelay,
        Action<int, TimeSpan, Exception?> onRetry) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args =>
                    ValueTask.FromResult(args.Outcome.Exception is { } error && handles(error, args.AttemptNumber)),
                MaxRetryAttempts = attempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = delay,
                MaxDelay = maxDelay,
                OnRetry = args =>
                {
                    onRetry(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
}
