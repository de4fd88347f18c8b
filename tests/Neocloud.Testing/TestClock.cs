namespace Neocloud.Testing;

/// <summary>
/// The system clock moved forward on demand: a test that needs time to pass (an RFQ to close) advances it instead of
/// sleeping, so it neither waits nor races a busy machine. Timers are the system's.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
