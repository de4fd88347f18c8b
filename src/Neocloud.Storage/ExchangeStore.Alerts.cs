namespace Neocloud.Storage;

/// <summary>Price alerts' reads.</summary>
public sealed partial class ExchangeStore
{
    private const string AlertColumns =
        "id AS Id, organization_id AS OrganizationId, sku AS Sku, region AS Region, kind AS Kind, price_ticks AS PriceTicks, month AS Month, " +
        "created_ms AS CreatedMs, state AS State, triggered_ms AS TriggeredMs, value_ticks AS ValueTicks, triggers AS Triggers";

    /// <summary>One alert, or null.</summary>
    public async Task<AlertRecord?> GetAlertAsync(string id, CancellationToken cancellationToken = default) =>
        await SingleAsync<AlertRecord>($"SELECT {AlertColumns} FROM alerts WHERE id = @id", new { id }, cancellationToken);

    /// <summary>The organization's alerts, oldest first.</summary>
    public async Task<IReadOnlyList<AlertRecord>> AlertsOfAsync(string organizationId, CancellationToken cancellationToken = default) =>
        await QueryAsync<AlertRecord>($"SELECT {AlertColumns} FROM alerts WHERE organization_id = @organizationId ORDER BY id", new { organizationId }, cancellationToken);

    /// <summary>The number of alerts the organization has set.</summary>
    public async Task<long> AlertCountAsync(string organizationId, CancellationToken cancellationToken = default) =>
        (await QueryAsync<long>("SELECT COUNT(*) FROM alerts WHERE organization_id = @organizationId", new { organizationId }, cancellationToken))[0];

    /// <summary>Every alert (a shard's memory at start keeps those of its SKUs).</summary>
    public async Task<IReadOnlyList<AlertRecord>> AllAlertsAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync<AlertRecord>($"SELECT {AlertColumns} FROM alerts ORDER BY id", null, cancellationToken);

    /// <summary>The SKUs that have curve alerts (the alert sweep observes their curves).</summary>
    public async Task<IReadOnlyList<string>> CurveAlertSkusAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync<string>("SELECT DISTINCT sku FROM alerts WHERE kind LIKE 'curve%' ORDER BY sku", null, cancellationToken);
}
