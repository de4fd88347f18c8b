namespace Neocloud.Exchange.Access;

/// <summary>
/// A long request's hold on its token (<see cref="TokenDirectory.Hold"/>): <see cref="Ending"/> is cancelled when the
/// request ends or the token stops working, and <see cref="Refusal"/> then says why the token no longer works.
/// </summary>
public sealed class TokenHold : IDisposable
{
    private readonly TokenDirectory? _directory;
    private readonly ITimer? _expiry;
    private readonly CancellationTokenSource _ending;
    private volatile string? _refusal;

    internal TokenHold(TokenDirectory directory, string tokenId, CancellationToken request)
    {
        _directory = directory;
        TokenId = tokenId;
        _ending = CancellationTokenSource.CreateLinkedTokenSource(request);
    }

    /// <summary>
    /// A person's sign-in held until it expires at <paramref name="expiresAt"/> (a JWT is not revoked: it ends by its
    /// <c>exp</c>); no expiry, and only the request ends it.
    /// </summary>
    internal TokenHold(DateTimeOffset? expiresAt, TimeProvider clock, CancellationToken request)
    {
        TokenId = "";
        _ending = CancellationTokenSource.CreateLinkedTokenSource(request);
        if (expiresAt is not { } expires) return;
        var left = expires - clock.GetUtcNow();
        if (left <= TimeSpan.Zero) End("the sign-in expired");
        else _expiry = clock.CreateTimer(static hold => ((TokenHold)hold!).End("the sign-in expired"), this, left, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The id of the token held (empty for a person's sign-in).</summary>
    public string TokenId { get; }

    /// <summary>Cancelled when the request ends or the token stops working.</summary>
    public CancellationToken Ending => _ending.Token;

    /// <summary>Why the token stopped working (as a request with it would be refused), or null while it works.</summary>
    public string? Refusal => _refusal;

    /// <summary>Ends the request: its token no longer works.</summary>
    internal void End(string refusal)
    {
        _refusal = refusal;
        try
        {
            // Callbacks (the request's awaits) run on the thread pool, not in the check that found the token gone.
            _ = _ending.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The request ended meanwhile.
        }
    }

    public void Dispose()
    {
        _directory?.Release(this);
        _expiry?.Dispose();
        _ending.Dispose();
    }
}
