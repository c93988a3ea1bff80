using System.Diagnostics;

namespace BookingSystem.InventoryService.Messaging.Consumers;

/// <summary>
/// One message of a consumed batch as its feature sees it: the validated command and where it came from. A batch is
/// applied in one transaction, but each message keeps its own story: <see cref="Enter"/> makes its log properties
/// (correlation id, booking id, event id) and its span the context of what runs until the returned scope ends.
/// </summary>
public sealed class Consumed<TCommand>
{
    private readonly Func<IDisposable?> _beginLogScope;

    internal Consumed(TCommand command, MessageOrigin origin, Activity? activity, Func<IDisposable?> beginLogScope)
    {
        Command = command;
        Origin = origin;
        Activity = activity;
        _beginLogScope = beginLogScope;
    }

    public TCommand Command { get; }

    public MessageOrigin Origin { get; }

    internal Activity? Activity { get; }

    /// <summary>This message's log scope and span, current until the result is disposed.</summary>
    public IDisposable Enter() => new Entered(_beginLogScope(), Activity);

    private sealed class Entered : IDisposable
    {
        private readonly IDisposable? _logScope;
        private readonly Activity? _previous;

        public Entered(IDisposable? logScope, Activity? activity)
        {
            _logScope = logScope;
            _previous = Activity.Current;
            if (activity is not null)
            {
                Activity.Current = activity;
            }
        }

        public void Dispose()
        {
            _logScope?.Dispose();
            Activity.Current = _previous;
        }
    }
}
