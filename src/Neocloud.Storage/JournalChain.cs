using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Neocloud.Storage;

/// <summary>
/// The journal's hash chain: every row stores <c>SHA-256(previous row's hash ‖ canonical bytes of the row)</c>, the first
/// row of a journal chaining from 32 zero bytes, so an edited, deleted or reordered row no longer matches. The canonical
/// bytes are, in order: the shard (the market group in a cluster, empty on one machine), the sequence, the time recorded
/// (Unix ms), the organization, the command and, when the row names one, its actor (<see cref="JournalActor.Text"/>);
/// numbers as 8 bytes big-endian, text as its UTF-8 length (4 bytes big-endian) then its UTF-8 bytes. A row without an
/// actor (written before actors were journaled) hashes without it, as it always did, so older journals keep verifying;
/// the command's length prefix keeps a row with an actor from reading as one without. The epoch of a cluster row is not
/// covered: it says which activation wrote the row, not what the row is.
/// </summary>
public static class JournalChain
{
    /// <summary>The first schema version whose journal rows carry their hash (an older store's rows are chained when it is upgraded).</summary>
    public const int FirstSchemaVersion = 3;

    /// <summary>Bytes in a hash.</summary>
    public const int HashSize = 32;

    /// <summary>The shard key of the one-machine journal.</summary>
    public const string NoShard = "";

    /// <summary>What the first row of a journal chains from: 32 zero bytes.</summary>
    public static ReadOnlySpan<byte> Genesis => s_genesis;

    private static readonly byte[] s_genesis = new byte[HashSize];

    // A row up to this size hashes from the stack; an order's command is a few hundred bytes, a pool's a few thousand.
    private const int StackBytes = 1024;

    /// <summary>Writes into <paramref name="hash"/> the hash of <paramref name="row"/>, whose previous row's hash is <paramref name="previous"/> (they may overlap).</summary>
    public static void Next(ReadOnlySpan<byte> previous, string shard, JournalEntry row, Span<byte> hash) =>
        Next(previous, shard, row.Sequence, row.RecordedMs, row.OrganizationId, row.Command, row.Actor, hash);

    /// <summary>Writes into <paramref name="hash"/> the hash of a row whose previous row's hash is <paramref name="previous"/> (they may overlap).</summary>
    public static void Next(ReadOnlySpan<byte> previous, string shard, long sequence, long recordedMs, string organizationId, string command, string? actor,
        Span<byte> hash)
    {
        var utf8 = Encoding.UTF8;
        var most = HashSize + 4 * 4 + 2 * 8 + utf8.GetMaxByteCount(shard.Length) + utf8.GetMaxByteCount(organizationId.Length) + utf8.GetMaxByteCount(command.Length)
            + utf8.GetMaxByteCount(actor?.Length ?? 0);
        byte[]? rented = null;
        var buffer = most <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(most));
        try
        {
            previous[..HashSize].CopyTo(buffer);
            var at = HashSize;
            at = PutText(buffer, at, shard);
            BinaryPrimitives.WriteInt64BigEndian(buffer[at..], sequence);
            BinaryPrimitives.WriteInt64BigEndian(buffer[(at + 8)..], recordedMs);
            at = PutText(buffer, at + 16, organizationId);
            at = PutText(buffer, at, command);
            if (actor is not null) at = PutText(buffer, at, actor);
            SHA256.HashData(buffer[..at], hash);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The hash of a row as a new array.</summary>
    public static byte[] Of(ReadOnlySpan<byte> previous, string shard, JournalEntry entry)
    {
        var hash = new byte[HashSize];
        Next(previous, shard, entry, hash);
        return hash;
    }

    private static int PutText(Span<byte> buffer, int at, string text)
    {
        var length = Encoding.UTF8.GetBytes(text, buffer[(at + 4)..]);
        BinaryPrimitives.WriteInt32BigEndian(buffer[at..], length);
        return at + 4 + length;
    }
}
