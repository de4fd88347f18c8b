using Neocloud.Storage;

namespace Neocloud.Exchange.Access;

/// <summary>
/// The requests a token holds open (event streams, long-polls), ended when the token stops working: a request is
/// authenticated once, when it starts, so without this a stream opened before a revocation would run on for ever.
/// </summary>
public sealed partial class TokenDirectory
{
    /// <summary>
    /// How often the tokens holding requests open are read again from the store and checked: an expiry, or a revocation
    /// made on any node, ends their requests within this (one store read a second per token with requests held open, on
    /// each node; the ordinary requests' <see cref="Lifetime"/> cache is not used for them).
    /// </summary>
    public static readonly TimeSpan HoldCheckEvery = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, HeldToken> _held = new(StringComparer.Ordinal);
    private ITimer? _holdTimer;
    private int _checking, _checkAgain;

    /// <summary>How many requests are held open now, over every token.</summary>
    public int HeldRequests
    {
        get
        {
            lock (_held) return _held.Values.Sum(h => h.Holds.Count);
        }
    }

    /// <summary>
    /// Holds a long request of a token for as long as the token works: the hold's <see cref="TokenHold.Ending"/> is
    /// cancelled when <paramref name="request"/> is, or when the token stops working — revoked or rotated through this
    /// node (at once), expired or revoked on another node (within <see cref="HoldCheckEvery"/>, when this node reads it
    /// again). Dispose the hold when the request ends.
    /// </summary>
    public TokenHold Hold(string tokenId, long? expiresMs, CancellationToken request)
    {
        var hold = new TokenHold(this, tokenId, request);
        lock (_held)
        {
            if (!_held.TryGetValue(tokenId, out var held)) _held[tokenId] = held = new HeldToken(expiresMs, clock.GetUtcNow());
            held.Holds.Add(hold);
            _holdTimer ??= clock.CreateTimer(static directory => ((TokenDirectory)directory!).CheckHolds(), this, HoldCheckEvery, HoldCheckEvery);
        }
        return hold;
    }

    /// <summary>Holds a long request of a signed-in person until its sign-in expires (Unix milliseconds) or the request ends.</summary>
    public TokenHold HoldSignIn(long? expiresMs, CancellationToken request) =>
        new(expiresMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null, clock, request);

    /// <summary>Lets go of a hold whose request ended.</summary>
    internal void Release(TokenHold hold)
    {
        lock (_held)
        {
            if (_held.TryGetValue(hold.TokenId, out var held) && held.Holds.Remove(hold) && held.Holds.Count == 0) _held.Remove(hold.TokenId);
        }
    }

    /// <summary>Reads a held token again now (it was revoked or rotated here).</summary>
    private void Recheck(string tokenId)
    {
        lock (_held)
        {
            if (!_held.TryGetValue(tokenId, out var held)) return;
            held.ReadAt = DateTimeOffset.MinValue;
        }
        CheckHolds();
    }

    private void CheckHolds() => _ = CheckHoldsAsync();

    /// <summary>One check at a time; a check asked for meanwhile makes the running one go round again.</summary>
    private async Task CheckHoldsAsync()
    {
        Volatile.Write(ref _checkAgain, 1);
        if (Interlocked.CompareExchange(ref _checking, 1, 0) != 0) return;
        try
        {
            while (Interlocked.Exchange(ref _checkAgain, 0) == 1) await CheckHoldsOnceAsync();
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private async Task CheckHoldsOnceAsync()
    {
        KeyValuePair<string, HeldToken>[] held;
        lock (_held) held = [.. _held];
        foreach (var (tokenId, token) in held)
        {
            var now = clock.GetUtcNow();
            if (token.ReadAt + HoldCheckEvery <= now)
            {
                try
                {
                    var record = await store.GetTokenAsync(tokenId, CancellationToken.None);
                    token.Read(record, now);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
                {
                    // The store does not answer: the token keeps what it was last read as, and is read at the next check.
                }
            }
            if (token.RefusalAt(now) is not { } refusal) continue;
            TokenHold[] ending;
            lock (_held)
            {
                ending = [.. token.Holds];
                if (_held.TryGetValue(tokenId, out var current) && current == token) _held.Remove(tokenId);
            }
            foreach (var hold in ending) hold.End(refusal);
        }
    }

    public void Dispose()
    {
        lock (_held) _holdTimer?.Dispose();
    }

    /// <summary>A token that holds requests open, as this node last read it.</summary>
    private sealed class HeldToken(long? expiresMs, DateTimeOffset readAt)
    {
        private readonly Lock _gate = new();
        private bool _revoked;
        private long? _expiresMs = expiresMs;
        private DateTimeOffset _readAt = readAt;

        public List<TokenHold> Holds { get; } = [];

        /// <summary>When the token was last read (from the store, or by the authentication of the request that began holding).</summary>
        public DateTimeOffset ReadAt
        {
            get
            {
                lock (_gate) return _readAt;
            }
            set
            {
                lock (_gate) _readAt = value;
            }
        }

        public void Read(TokenRecord? record, DateTimeOffset now)
        {
            lock (_gate)
            {
                _revoked = record is not { RevokedMs: null };
                _expiresMs = record?.ExpiresMs;
                _readAt = now;
            }
        }

        public string? RefusalAt(DateTimeOffset now)
        {
            lock (_gate) return RefusalOf(_revoked, _expiresMs, now);
        }
    }
}
