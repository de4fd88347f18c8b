namespace Neocloud.Storage;

/// <summary>
/// Encrypts the secrets the store must keep readable (webhooks sign each delivery with theirs) with a key kept outside
/// the store, so that a copy of the store or of a backup does not hold them in plain text.
/// </summary>
public interface ISecretProtector
{
    /// <summary>The secret encrypted (printable text).</summary>
    string Protect(string secret);

    /// <summary>The secret <see cref="Protect"/> encrypted.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The key it was encrypted with is not known.</exception>
    string Unprotect(string protectedSecret);
}
