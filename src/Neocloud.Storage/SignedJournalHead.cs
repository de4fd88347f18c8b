using System.Globalization;
using System.Text;

namespace Neocloud.Storage;

/// <summary>
/// A journal's head signed with the exchange's journal signing key: the last row's sequence and stored hash at the time
/// it was signed. Recorded outside the store, it anchors the hash chain: a row rewritten at or before its sequence, even
/// with every later hash re-computed, no longer leads to its hash.
/// </summary>
/// <param name="Shard">The cluster shard (market group), or empty for the one-machine journal.</param>
/// <param name="Sequence">The last row's sequence (0 for an empty journal).</param>
/// <param name="Hash">That row's stored hash, lowercase hex (the genesis, 64 zeros, for an empty journal).</param>
/// <param name="RecordedMs">When that row was recorded (Unix ms; 0 for an empty journal); covered by the hash, not signed apart.</param>
/// <param name="SignedAt">When the head was signed, RFC 3339 UTC, exactly as signed.</param>
/// <param name="KeyId">The first 16 hex digits of SHA-256 of the signing key's public key (SubjectPublicKeyInfo, DER).</param>
/// <param name="Signature">Base64 of the ECDSA P-256 SHA-256 signature (DER) over the UTF-8 of <c>neocloud-journal-head/1|shard|sequence|hash|signedAt</c>.</param>
public sealed record SignedJournalHead(string Shard, long Sequence, string Hash, long RecordedMs, string SignedAt, string KeyId, string Signature)
{
    /// <summary>What the signed bytes begin with, so a head's signature means nothing as any other message.</summary>
    public const string Domain = "neocloud-journal-head/1";

    /// <summary>
    /// The signed bytes: UTF-8 of <c>neocloud-journal-head/1|shard|sequence|hash|signedAt</c>, the sequence in decimal and the
    /// hash in lowercase hex (only the shard could hold a <c>|</c>, so the string splits one way from the right).
    /// </summary>
    public static byte[] Canonical(string shard, long sequence, string hash, string signedAt) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Domain}|{shard}|{sequence}|{hash.ToLowerInvariant()}|{signedAt}"));

    /// <summary>The bytes this head's signature covers.</summary>
    public byte[] Canonical() => Canonical(Shard, Sequence, Hash, SignedAt);
}

/// <summary>The signed heads of every journal of a store: what <c>neocloud journal head</c> writes and <c>GET /api/v1/admin/journal/head</c> answers.</summary>
/// <param name="Heads">One head per journal: the one-machine journal, or each cluster shard's, by shard.</param>
public sealed record SignedJournalHeads(IReadOnlyList<SignedJournalHead> Heads);

/// <summary>A journal's head as stored, before it is signed.</summary>
/// <param name="Shard">The cluster shard (market group), or empty for the one-machine journal.</param>
/// <param name="Sequence">The last row's sequence (0 for an empty journal).</param>
/// <param name="Hash">The last row's stored hash (the genesis for an empty journal).</param>
/// <param name="RecordedMs">When the last row was recorded (Unix ms; 0 for an empty journal).</param>
public sealed record JournalHeadState(string Shard, long Sequence, byte[] Hash, long RecordedMs);

/// <summary>What checking one recorded head against the store found.</summary>
/// <param name="Shard">The head's shard.</param>
/// <param name="Sequence">The head's sequence.</param>
/// <param name="Hash">The head's hash, hex.</param>
/// <param name="SignedAt">When the head was signed.</param>
/// <param name="KeyId">The key id the head names.</param>
/// <param name="Problems">The signature or the journal not holding up, at the head's sequence; none when the head holds.</param>
public sealed record JournalHeadCheck(string Shard, long Sequence, string Hash, string SignedAt, string KeyId, IReadOnlyList<JournalProblem> Problems)
{
    /// <summary>True when the signature verifies and the journal still leads to the head's hash.</summary>
    public bool Ok => Problems.Count == 0;
}
