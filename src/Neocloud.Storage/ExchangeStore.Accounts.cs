using System.Globalization;
using Dapper;
using Neocloud.Domain.Paging;

namespace Neocloud.Storage;

/// <summary>
/// Accounts' reads: what a shard's account state starts from, and an organization's statement (its entries and its
/// trades, oldest first).
/// </summary>
public sealed partial class ExchangeStore
{
    /// <summary>The limits, the entries written by <paramref name="shard"/> summed by organization and kind, its margins, and every credit slice.</summary>
    public async Task<AccountRows> AccountRowsAsync(string shard, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        async Task<List<T>> Query<T>(string sql) =>
            (await connection.QueryAsync<T>(new CommandDefinition(sql, new { shard }, cancellationToken: cancellationToken))).ToList();
        return new AccountRows(
            await Query<(string, long?)>("SELECT organization_id, limit_cents FROM credit_limits"),
            await Query<(string, string, long)>("SELECT organization_id, kind, SUM(amount_cents) FROM account_entries WHERE shard = @shard GROUP BY organization_id, kind"),
            await Query<(string, long)>("SELECT organization_id, margin_cents FROM account_margins WHERE shard = @shard"),
            await Query<(string, string, long, long)>("SELECT organization_id, shard, granted_cents, returned_cents FROM credit_slices"));
    }

    /// <summary>What the home shard journaled for an organization: whether a limit was set and what, and the slice <paramref name="shard"/> was granted and gave back.</summary>
    public async Task<(bool LimitSet, long? LimitCents, long GrantedCents, long ReturnedCents)> AccountStandingAsync(string organizationId, string shard,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var limit = await connection.QueryFirstOrDefaultAsync<(string, long?)?>(new CommandDefinition(
            "SELECT organization_id, limit_cents FROM credit_limits WHERE organization_id = @organizationId", new { organizationId }, cancellationToken: cancellationToken));
        var slice = await connection.QueryFirstOrDefaultAsync<(long, long)?>(new CommandDefinition(
            "SELECT granted_cents, returned_cents FROM credit_slices WHERE organization_id = @organizationId AND shard = @shard", new { organizationId, shard },
            cancellationToken: cancellationToken));
        return (limit is not null, limit?.Item2, slice?.Item1 ?? 0, slice?.Item2 ?? 0);
    }

    /// <summary>
    /// Each organization's net from trades (sold − bought, each trade's notional in cents as <see cref="AccountEntry.TradeCents"/>
    /// rounds it), over the trades of the SKUs <paramref name="sku"/> takes (all, on one machine).
    /// </summary>
    public async Task<Dictionary<string, long>> TradeNetsAsync(Func<string, bool> sku, CancellationToken cancellationToken = default)
    {
        var nets = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "SELECT buyer_id, seller_id, sku, gpus, start_hour, end_hour, price_ticks FROM trades", cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!sku(reader.GetString(2))) continue;
            var cents = AccountEntry.TradeCents(reader.GetInt64(3), reader.GetInt64(5) - reader.GetInt64(4), reader.GetInt64(6));
            var buyer = reader.GetString(0);
            var seller = reader.GetString(1);
            nets[buyer] = nets.GetValueOrDefault(buyer) - cents;
            nets[seller] = nets.GetValueOrDefault(seller) + cents;
        }
        return nets;
    }

    /// <summary>
    /// An organization's statement, oldest first: its entries and its trades (as buyer, a debit; as seller, a credit),
    /// after the cursor <paramref name="after"/> (<c>ms.source.key</c>).
    /// </summary>
    public async Task<Page<AccountLine>> AccountLinesAsync(string organizationId, string? after, int limit, CancellationToken cancellationToken = default)
    {
        var (ms, source, key) = StatementCursor.Parse(after);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var entries = (await connection.QueryAsync<(string Id, string Counterparty, string Kind, long Cents, string Reference, long AtMs)>(new CommandDefinition(
            "SELECT id, counterparty, kind, amount_cents, reference, at_ms FROM account_entries WHERE organization_id = @organizationId " +
            "AND (at_ms > @ms OR (at_ms = @ms AND @source = 0 AND id > @key)) ORDER BY at_ms, id LIMIT @take",
            new { organizationId, ms, source, key, take = limit + 1 }, cancellationToken: cancellationToken)))
            .Select(e => (Key: (e.AtMs, 0, e.Id, 0L), Line: new AccountLine(e.Id, organizationId, e.Counterparty, e.Kind, e.Cents, e.Reference, e.AtMs)));
        var tradeNo = source == 1 ? long.Parse(key, NumberStyles.None, CultureInfo.InvariantCulture) : -1;
        var trades = (await connection.QueryAsync<(long TradeNo, string BuyerId, string SellerId, long Gpus, long StartHour, long EndHour, long PriceTicks, long ExecutedMs)>(
            new CommandDefinition(
                "SELECT trade_no, buyer_id, seller_id, gpus, start_hour, end_hour, price_ticks, executed_ms FROM trades " +
                "WHERE (buyer_id = @organizationId OR seller_id = @organizationId) AND (executed_ms > @ms OR (executed_ms = @ms AND trade_no > @tradeNo)) " +
                "ORDER BY executed_ms, trade_no LIMIT @take",
                new { organizationId, ms, tradeNo = source == 0 ? -1 : tradeNo, take = limit + 1 }, cancellationToken: cancellationToken)))
            .Select(t => (Key: (t.ExecutedMs, 1, "", t.TradeNo),
                Line: TradeLine(organizationId, t.TradeNo, t.BuyerId, t.SellerId, t.Gpus, t.EndHour - t.StartHour, t.PriceTicks, t.ExecutedMs)));
        var merged = entries.Concat(trades).OrderBy(x => x.Key.Item1).ThenBy(x => x.Key.Item2).ThenBy(x => x.Key.Item3, StringComparer.Ordinal).ThenBy(x => x.Key.Item4)
            .Take(limit + 1).ToList();
        var page = PageOf(merged, limit, x => StatementCursor.Format(x.Key.Item1, x.Key.Item2, x.Key.Item2 == 0 ? x.Key.Item3 : x.Key.Item4.ToString(CultureInfo.InvariantCulture)));
        return page.Select(x => x.Line);
    }

    /// <summary>An organization's newest <paramref name="count"/> statement lines, newest first.</summary>
    public async Task<IReadOnlyList<AccountLine>> LatestAccountLinesAsync(string organizationId, int count, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var entries = await connection.QueryAsync<(string Id, string Counterparty, string Kind, long Cents, string Reference, long AtMs)>(new CommandDefinition(
            "SELECT id, counterparty, kind, amount_cents, reference, at_ms FROM account_entries WHERE organization_id = @organizationId ORDER BY at_ms DESC, id DESC LIMIT @count",
            new { organizationId, count }, cancellationToken: cancellationToken));
        var trades = await connection.QueryAsync<(long TradeNo, string BuyerId, string SellerId, long Gpus, long StartHour, long EndHour, long PriceTicks, long ExecutedMs)>(
            new CommandDefinition(
                "SELECT trade_no, buyer_id, seller_id, gpus, start_hour, end_hour, price_ticks, executed_ms FROM trades " +
                "WHERE buyer_id = @organizationId OR seller_id = @organizationId ORDER BY executed_ms DESC, trade_no DESC LIMIT @count",
                new { organizationId, count }, cancellationToken: cancellationToken));
        return entries.Select(e => (e.AtMs, 0, e.Id, 0L, Line: new AccountLine(e.Id, organizationId, e.Counterparty, e.Kind, e.Cents, e.Reference, e.AtMs)))
            .Concat(trades.Select(t => (t.ExecutedMs, 1, "", t.TradeNo, Line: TradeLine(organizationId, t.TradeNo, t.BuyerId, t.SellerId, t.Gpus, t.EndHour - t.StartHour,
                t.PriceTicks, t.ExecutedMs))))
            .OrderByDescending(x => x.Item1).ThenByDescending(x => x.Item2).ThenByDescending(x => x.Item3, StringComparer.Ordinal).ThenByDescending(x => x.Item4)
            .Take(count).Select(x => x.Line).ToList();
    }

    /// <summary>A trade as a line of one party's statement: the buyer's debit, the seller's credit.</summary>
    private static AccountLine TradeLine(string organizationId, long tradeNo, string buyer, string seller, long gpus, long hours, long priceTicks, long atMs)
    {
        var cents = AccountEntry.TradeCents(gpus, hours, priceTicks);
        var bought = buyer == organizationId;
        return new AccountLine(AccountEntry.TradeId(tradeNo), organizationId, bought ? seller : buyer, AccountKinds.Trade, bought ? -cents : cents,
            $"trade {tradeNo.ToString(CultureInfo.InvariantCulture)}", atMs);
    }

    /// <summary>Every shard's stored margins: shard, organization, cents.</summary>
    public async Task<IReadOnlyList<(string Shard, string Organization, long Cents)>> MarginsAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync<(string, string, long)>("SELECT shard, organization_id, margin_cents FROM account_margins ORDER BY shard, organization_id", null, cancellationToken);

    /// <summary>The price of the last trade of a SKU, or null.</summary>
    public async Task<long?> LastTradePriceAsync(string sku, CancellationToken cancellationToken = default) =>
        (await QueryAsync<long>("SELECT price_ticks FROM trades WHERE sku = @sku ORDER BY executed_ms DESC, trade_no DESC LIMIT 1", new { sku }, cancellationToken))
            is [var price] ? price : null;

    /// <summary>The price of the last trade of a SKU in a region (in any, with null), or null.</summary>
    public async Task<long?> LastTradePriceAsync(string sku, string? region, CancellationToken cancellationToken = default) =>
        region is null ? await LastTradePriceAsync(sku, cancellationToken)
        : (await QueryAsync<long>("SELECT price_ticks FROM trades WHERE sku = @sku AND region = @region ORDER BY executed_ms DESC, trade_no DESC LIMIT 1",
            new { sku, region }, cancellationToken)) is [var price] ? price : null;

    /// <summary>A statement's cursor: the last line's time, source (0 an entry, 1 a trade) and key (entry id, or trade number).</summary>
    private static class StatementCursor
    {
        public static string Format(long ms, int source, string key) => $"{ms.ToString(CultureInfo.InvariantCulture)}.{source}.{key}";

        public static (long Ms, int Source, string Key) Parse(string? after)
        {
            if (after is null) return (-1, 0, "");
            var parts = after.Split('.', 3);
            if (parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && parts[1] is "0" or "1"
                && (parts[1] == "0" || long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                return (ms, parts[1] == "0" ? 0 : 1, parts[2]);
            // An unreadable cursor reads past the end, as the other lists' do.
            return (long.MaxValue, 1, "0");
        }
    }
}
