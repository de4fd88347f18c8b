using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using Neocloud.Domain.Input;
using Neocloud.Domain.Paging;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Shard;
using Neocloud.Storage;

namespace Neocloud.Exchange.Webhooks;

/// <summary>
/// An organization's webhooks: add one (its URL judged safe to reach, its secret shown once), list, remove, read its
/// delivery attempts, and move it back to deliver events again (which enables a disabled hook). An organization sees
/// only its own; others' ids are not found. The delivery itself is the host's (no HTTP here): it hears of every change
/// through <see cref="Changed"/>.
/// </summary>
/// <remarks>
/// Adding, removing and moving a hook back are journaled configuration facts, decided on the configuration's shard
/// (<see cref="ConfigJournal"/>); a hook's secret is journaled as the store keeps it, encrypted with the key ring.
/// </remarks>
public sealed class WebhookDesk(ExchangeStore store, IMarket market, WebhookPolicy policy, TimeProvider clock)
{
    /// <summary>The most attempts one page of deliveries lists.</summary>
    public const int MaxDeliveries = 1000;

    /// <summary>Raised with a hook's id after it was added, removed or moved back, so this node's deliveries follow at once.</summary>
    public event Action<string>? Changed;

    /// <summary>Adds a hook for <paramref name="caller"/>; it receives the events committed from now on.</summary>
    public async Task<Outcome<NewWebhookView>> CreateAsync(string caller, WebhookTerms terms, CancellationToken ct = default)
    {
        if (await RefusalAsync(terms.Url, ct) is { } refused) return refused;
        var now = clock.GetUtcNow();
        // The secret is not hashed: every delivery is signed with it (HMAC), so the exchange needs it back in plain form;
        // the store keeps it encrypted with a key outside the store. It is shown in this answer only; no view or list
        // carries it afterwards.
        var hook = new WebhookRecord(NewId(now), caller, terms.Url.AbsoluteUri, string.Join(',', terms.Types), terms.Description,
            store.ConcealWebhookSecret(NewSecret()), WebhookRecord.Active, now.ToUnixTimeMilliseconds(), 0, 0, 0, null, null, null, null, null);
        var created = await ConfigJournal.SubmitAsync(market, caller, new WebhookCreated(hook) { MaxPerOrganization = policy.MaxPerOrganization });
        if (!created.IsAccepted) return created.Failure!;
        Changed?.Invoke(hook.Id);
        // Read back for the cursor the insert took (the organization's newest event at that moment) and the secret in plain form.
        return NewWebhookView.Of((await store.GetWebhookAsync(hook.Id, ct))!);
    }

    /// <summary>The caller's hooks, oldest first (without their secrets).</summary>
    public async Task<Page<WebhookView>> WebhooksAsync(string caller, CancellationToken ct = default) =>
        new((await store.WebhooksAsync(caller, ct)).Select(WebhookView.Of).ToList(), null);

    /// <summary>Removes one of the caller's hooks; nothing more is delivered to it.</summary>
    public async Task<Outcome<string>> RemoveAsync(string caller, string id, CancellationToken ct = default)
    {
        var removed = await ConfigJournal.SubmitAsync(market, caller, new WebhookDeleted(id, caller));
        if (!removed.IsAccepted) return removed.Failure!;
        Changed?.Invoke(id);
        return id;
    }

    /// <summary>One of the caller's hooks as stored (with its secret), for the host to ping.</summary>
    public async Task<Outcome<WebhookRecord>> TargetAsync(string caller, string id, CancellationToken ct = default) =>
        await store.GetWebhookAsync(id, ct) is { } hook && hook.OrganizationId == caller ? hook : NotFound(id);

    /// <summary>The newest delivery attempts of one of the caller's hooks, newest first.</summary>
    public async Task<Outcome<Page<WebhookDeliveryView>>> DeliveriesAsync(string caller, string id, int limit, CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxDeliveries) return Failure.Invalid("limit", $"must be between 1 and {MaxDeliveries}, got {limit}");
        if (await store.GetWebhookAsync(id, ct) is not { } hook || hook.OrganizationId != caller) return NotFound(id);
        return new Page<WebhookDeliveryView>((await store.WebhookDeliveriesAsync(id, limit, ct)).Select(WebhookDeliveryView.Of).ToList(), null);
    }

    /// <summary>
    /// Moves one of the caller's hooks back so that its events from sequence <paramref name="from"/> on are delivered
    /// again (0 or 1: from the first), and enables it if it was disabled.
    /// </summary>
    public async Task<Outcome<WebhookView>> RedeliverAsync(string caller, string id, long from, CancellationToken ct = default)
    {
        if (await store.GetWebhookAsync(id, ct) is not { } hook || hook.OrganizationId != caller) return NotFound(id);
        var last = await store.LastEventSeqAsync(caller, ct);
        if (from < 0 || from > last)
            return Failure.Invalid("from", $"must be a sequence number from 0 to the last event's, {last}, got {from}");
        var moved = await ConfigJournal.SubmitAsync(market, caller, new WebhookRedelivered(id, caller, Math.Max(0, from - 1)));
        if (!moved.IsAccepted) return moved.Failure!;
        Changed?.Invoke(id);
        return WebhookView.Of((await store.GetWebhookAsync(id, ct))!);
    }

    /// <summary>
    /// Disables a hook whose delivery gave up, with its <c>webhook.disabled</c> event, as a journaled fact: only while
    /// <paramref name="owner"/> holds its delivery lease and it is still active at <paramref name="generation"/> (a
    /// redelivery or a removal since makes this a no-op); true when it was disabled.
    /// </summary>
    public async Task<bool> DisableAsync(string id, string owner, long generation, string reason, long atMs, EventRecord disabled, CancellationToken ct = default)
    {
        if (await store.GetWebhookAsync(id, ct) is not { } hook || hook.LeaseOwner != owner) return false;
        var outcome = await ConfigJournal.SubmitAsync(market, hook.OrganizationId, new WebhookDisabled(id, generation, reason, atMs) { Events = [disabled] });
        return outcome.IsAccepted;
    }

    /// <summary>
    /// Why a URL may not be a webhook's, or null: a host the operator allowed may be anything; any other must be https
    /// and resolve to public addresses only (checked again at every connection, against DNS rebinding).
    /// </summary>
    private async Task<Failure?> RefusalAsync(Uri url, CancellationToken ct)
    {
        if (policy.Allows(url.Host)) return null;
        if (url.Scheme != Uri.UriSchemeHttps)
            return Refused($"must be https; plain http only to a host the operator allows (--webhook-allow-host), and '{url.Host}' is not one");
        System.Net.IPAddress[] addresses;
        try
        {
            addresses = await WebhookAddresses.ResolveAsync(url.IdnHost, ct);
        }
        catch (SocketException e)
        {
            return Refused($"the host '{url.Host}' does not resolve: {e.Message}");
        }
        if (addresses.Length == 0) return Refused($"the host '{url.Host}' does not resolve");
        if (addresses.FirstOrDefault(a => !WebhookAddresses.IsPublic(a)) is { } inner)
            return Refused($"the host '{url.Host}' resolves to {inner}, a private, loopback, link-local or otherwise non-public address; webhooks reach public addresses only unless the operator allows the host");
        return null;
    }

    private static Failure Refused(string message) =>
        new(FailureKind.Rejected, "Webhook URL refused", message, FieldErrors.Of("url", message));

    /// <summary><c>whsec_</c> and 32 random bytes in hex.</summary>
    private static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new id: the millisecond (12 hex digits, so ids sort by creation), then 64 random bits.</summary>
    private static string NewId(DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"wh_{now.ToUnixTimeMilliseconds():x12}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");

    private static Failure NotFound(string id) => Failure.NotFound($"no webhook '{id}'");
}
