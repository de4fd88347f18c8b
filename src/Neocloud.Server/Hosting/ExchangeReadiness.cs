namespace Neocloud.Server.Hosting;

/// <summary>
/// Whether the exchange has recovered its market (loaded the snapshot, replayed the journal, seeded a new market) and
/// may take API requests. The web host listens before that: <c>/healthz</c> answers from the start, <c>/readyz</c> and
/// the API answer 503 until <see cref="Recovered"/> completes.
/// </summary>
public sealed class ExchangeReadiness
{
    private readonly TaskCompletionSource _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the market is recovered; faults with the error when recovery failed (the host then stops).</summary>
    public Task Recovered => _recovered.Task;

    /// <summary>True once the market is recovered.</summary>
    public bool IsRecovered => _recovered.Task.IsCompletedSuccessfully;

    internal void Succeed() => _recovered.TrySetResult();

    internal void Fail(Exception error) => _recovered.TrySetException(error);

    internal void Cancel() => _recovered.TrySetCanceled();
}
