using Neocloud.Exchange.Outcomes;

namespace Neocloud.Exchange.Webhooks;

/// <summary>
/// Sends one of an organization's webhooks a signed <c>webhook.test</c> ping now, through the host's HTTP (the core makes
/// no requests), within the host's bound on pings in flight: the dashboard's Test button comes here.
/// </summary>
public interface IWebhookTester
{
    /// <summary>
    /// What came of pinging the caller's hook <paramref name="id"/>: not found for another organization's, a conflict
    /// while too many of the caller's pings are in flight.
    /// </summary>
    Task<Outcome<WebhookTestView>> TestAsync(string caller, string id, CancellationToken ct = default);
}
