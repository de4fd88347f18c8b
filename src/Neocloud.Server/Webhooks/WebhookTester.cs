using Neocloud.Exchange.Outcomes;
using Neocloud.Exchange.Webhooks;

namespace Neocloud.Server.Webhooks;

/// <summary>
/// Test pings, for the API's <c>POST /webhooks/{id}/test</c> and the dashboard's Test button alike: the caller's hook
/// looked up, a slot taken from the gate on pings in flight (or a refusal to retry), and one signed ping sent.
/// </summary>
public sealed class WebhookTester(WebhookDesk desk, WebhookSender sender, WebhookTestGate gate) : IWebhookTester
{
    public async Task<Outcome<WebhookTestView>> TestAsync(string caller, string id, CancellationToken ct = default)
    {
        var target = await desk.TargetAsync(caller, id, ct);
        if (!target.IsAccepted) return target.Failure!;
        using var slot = gate.TryEnter(caller);
        if (slot is null)
            return new Failure(FailureKind.TooMany, "Too many webhook tests",
                $"at most {gate.PerOrganization} test pings of an organization (and {gate.Overall} of all) may be in flight at once; retry after 1 s");
        var attempt = await sender.PingAsync(target.Value!, ct);
        return new WebhookTestView(id, attempt.Delivered, attempt.StatusCode, attempt.LatencyMs, attempt.Error);
    }
}
