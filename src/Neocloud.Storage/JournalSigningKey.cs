using System.Globalization;
using System.Security.Cryptography;

namespace Neocloud.Storage;

/// <summary>
/// The key that signs the journal's heads: an ECDSA P-256 key kept beside <c>admin.token</c> in the data directory and
/// never in the store (<c>journal-signing.pem</c>, PKCS#8, mode 0600; its public key <c>journal-signing.pub.pem</c>,
/// 0644), so whoever can rewrite the store cannot sign a head for the rewritten chain. Every node of a cluster must use
/// the same key file. A key loaded from a public key only verifies.
/// </summary>
public sealed class JournalSigningKey : IDisposable
{
    /// <summary>The private key's file name in the data directory.</summary>
    public const string PrivateKeyFile = "journal-signing.pem";

    /// <summary>The public key's file name in the data directory.</summary>
    public const string PublicKeyFile = "journal-signing.pub.pem";

    /// <summary>The public key file's mode: 0644 (it is no secret).</summary>
    public const UnixFileMode PublicFile = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly ECDsa _key;

    private JournalSigningKey(ECDsa key, bool canSign)
    {
        _key = key;
        CanSign = canSign;
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem() + "\n";
        KeyId = IdOf(key);
    }

    /// <summary>The first 16 hex digits of SHA-256 of the public key (SubjectPublicKeyInfo, DER): what a head names its key by.</summary>
    public string KeyId { get; }

    /// <summary>The public key, PEM.</summary>
    public string PublicKeyPem { get; }

    /// <summary>True when the private key is loaded.</summary>
    public bool CanSign { get; }

    /// <summary>
    /// The data directory's key, created on first start: the directory made 0700, a new P-256 key written 0600 (through a
    /// file of its own, so a node starting at the same moment on a shared directory reads a whole key or makes its own
    /// first) and its public key written 0644 beside it; an existing private key is narrowed to 0600.
    /// </summary>
    public static JournalSigningKey Ensure(string dataDirectory)
    {
        StoreFiles.PrivateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, PrivateKeyFile);
        if (!File.Exists(path))
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            WriteNew(path, created.ExportPkcs8PrivateKeyPem() + "\n", StoreFiles.OwnerOnlyFile);
        }
        else if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, StoreFiles.OwnerOnlyFile);
        }
        var key = Load(dataDirectory);
        // The public key is always the private key's: written when missing or when it names another key.
        var publicPath = Path.Combine(dataDirectory, PublicKeyFile);
        if (!File.Exists(publicPath) || File.ReadAllText(publicPath) != key.PublicKeyPem) Replace(publicPath, key.PublicKeyPem, PublicFile);
        return key;
    }

    /// <summary>The data directory's private key; <see cref="FileNotFoundException"/> when there is none, <see cref="ArgumentException"/> when it is no P-256 key.</summary>
    public static JournalSigningKey Load(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, PrivateKeyFile);
        if (!File.Exists(path))
            throw new FileNotFoundException($"no journal signing key at {Path.GetFullPath(path)}: 'neocloud serve' creates it at first start beside admin.token", path);
        return FromPem(path, File.ReadAllText(path), isPrivate: true);
    }

    /// <summary>A public key only, from a PEM file (SubjectPublicKeyInfo): it verifies heads and cannot sign.</summary>
    public static JournalSigningKey LoadPublic(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no public key at {Path.GetFullPath(path)}", path);
        return FromPem(path, File.ReadAllText(path), isPrivate: false);
    }

    /// <summary>Signs each journal's head as of <paramref name="at"/>.</summary>
    public SignedJournalHeads Sign(IEnumerable<JournalHeadState> heads, DateTimeOffset at) => new(heads.Select(head => Sign(head, at)).ToList());

    /// <summary>Signs one journal's head as of <paramref name="at"/>.</summary>
    public SignedJournalHead Sign(JournalHeadState head, DateTimeOffset at)
    {
        if (!CanSign) throw new InvalidOperationException("a public key cannot sign");
        var signedAt = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var hash = Convert.ToHexStringLower(head.Hash);
        var signature = _key.SignData(SignedJournalHead.Canonical(head.Shard, head.Sequence, hash, signedAt), HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence);
        return new SignedJournalHead(head.Shard, head.Sequence, hash, head.RecordedMs, signedAt, KeyId, Convert.ToBase64String(signature));
    }

    /// <summary>True when the head's signature is this key's over the head's shard, sequence, hash and signing time.</summary>
    public bool Verifies(SignedJournalHead head)
    {
        var signature = new byte[head.Signature.Length];
        if (!Convert.TryFromBase64String(head.Signature, signature, out var length)) return false;
        try
        {
            return _key.VerifyData(head.Canonical(), signature.AsSpan(0, length), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            // A signature that is no DER sequence at all.
            return false;
        }
    }

    public void Dispose() => _key.Dispose();

    private static JournalSigningKey FromPem(string path, string pem, bool isPrivate)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256) throw new ArgumentException($"{Path.GetFullPath(path)}: an ECDSA P-256 key is needed, this one has {key.KeySize} bits");
            // A private key file must hold the private key: a public one imports, but cannot sign.
            if (isPrivate) key.ExportParameters(includePrivateParameters: true);
            return new JournalSigningKey(key, isPrivate);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new ArgumentException(e is ArgumentException && e.Message.StartsWith(Path.GetFullPath(path), StringComparison.Ordinal)
                ? e.Message
                : $"{Path.GetFullPath(path)}: not an ECDSA P-256 {(isPrivate ? "private" : "public")} key in PEM ({e.Message.Split('\n')[0]})", e);
        }
    }

    private static string IdOf(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];

    /// <summary>Writes a file that must not exist yet: to a file of its own first, then moved into place unless another process got there first.</summary>
    private static void WriteNew(string path, string text, UnixFileMode mode)
    {
        var temporary = Temporary(path, text, mode);
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
    }

    private static void Replace(string path, string text, UnixFileMode mode) => File.Move(Temporary(path, text, mode), path, overwrite: true);

    private static string Temporary(string path, string text, UnixFileMode mode)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
            // On disk before it is moved into place: a key lost to a crash would leave every head signed with it unverifiable.
            stream.Flush(flushToDisk: true);
        }
        // The process's umask may have narrowed the mode it was created with; the public key is meant to be readable.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, mode);
        return temporary;
    }
}
