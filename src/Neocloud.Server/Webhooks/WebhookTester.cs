using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Webhooks;

namespace Neocloud.Server.Webhooks;

/// <summary>
/// The dashboard's test pings: the hook looked up as the API's <c>POST /webhooks/{id}/test</c> does, through the same
/// gate on pings in flight and the same sender.
/// </summary>
public sealed class WebhookTester(WebhookDesk desk, WebhookSender sender, WebhookTestGate gate) : IWebhookTester
{
    public async Task<Outcome<WebhookTestView>> TestAsync(string caller, string id, CancellationToken ct = default)
    {
        var target = await desk.TargetAsync(caller, id, ct);
        if (!target.IsAccepted) return target.Failure!;
        using var slot = gate.TryEnter(caller);
        if (slot is null)
            return Failure.Conflict("Too many webhook tests",
                $"at most {gate.PerOrganization} test pings of an organization (and {gate.Overall} of all) may be in flight at once; try again in a second");
        var attempt = await sender.PingAsync(target.Value!, ct);
        return new WebhookTestView(id, attempt.Delivered, attempt.StatusCode, attempt.LatencyMs, attempt.Error);
    }
}
