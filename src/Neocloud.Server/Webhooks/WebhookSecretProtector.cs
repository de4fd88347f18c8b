using Microsoft.AspNetCore.DataProtection;
using Neocloud.Storage;

namespace Neocloud.Server.Webhooks;

/// <summary>
/// Webhook secrets encrypted with ASP.NET Core Data Protection: the key ring lives in <c>&lt;data&gt;/keys</c> (0700),
/// beside the admin token and never in the store, so a copy of the store or of a backup holds no secret in plain text.
/// </summary>
public sealed class WebhookSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Neocloud.Webhooks.Secret.v1");

    /// <inheritdoc/>
    public string Protect(string secret) => _protector.Protect(secret);

    /// <inheritdoc/>
    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
