using Neocloud.Storage;

namespace Neocloud.Exchange.Access;

/// <summary>
/// Who is acting now, for the journal: set once per request by the server after authentication, by the dashboard inside
/// each action, and as <see cref="JournalActor.Exchange"/> by the exchange's own loops. A <see cref="Shard.ShardRequest"/>
/// takes it when it is made, so every journal row names the actor of the request that caused it. It flows with the
/// async calls made under it (an <see cref="AsyncLocal{T}"/>), never to other requests.
/// </summary>
public static class Acting
{
    private static readonly AsyncLocal<JournalActor?> s_current = new();

    /// <summary>The actor of the work running now, or null when none was set.</summary>
    public static JournalActor? Current => s_current.Value;

    /// <summary>Acts as <paramref name="actor"/> until the scope is disposed, which restores the actor before it.</summary>
    public static Scope As(JournalActor? actor)
    {
        var previous = s_current.Value;
        s_current.Value = actor;
        return new Scope(previous);
    }

    /// <summary>A span of work done as one actor; disposing it restores the one before.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly JournalActor? _previous;

        internal Scope(JournalActor? previous) => _previous = previous;

        /// <summary>Restores the actor that was current when the scope began.</summary>
        public void Dispose() => s_current.Value = _previous;
    }
}
