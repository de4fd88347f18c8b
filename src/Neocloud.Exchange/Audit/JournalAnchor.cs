using Neocloud.Storage;

namespace Neocloud.Exchange.Audit;

/// <summary>
/// Each journal's head signed with the exchange's journal signing key (kept beside the admin token, never in the
/// store): what an operator records elsewhere and later hands to <c>neocloud journal verify --head</c>.
/// </summary>
public sealed class JournalAnchor(ExchangeStore store, JournalSigningKey key, TimeProvider clock)
{
    /// <summary>The heads as stored now, signed.</summary>
    public async Task<SignedJournalHeads> SignedHeadsAsync(CancellationToken ct) => key.Sign(await JournalHeads.ReadAsync(store, ct), clock.GetUtcNow());
}
