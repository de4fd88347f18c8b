using Neocloud.Domain.Input;
using Neocloud.Exchange.Orders;
using Neocloud.Exchange.Procurement;

namespace Neocloud.Server.Procurement;

/// <summary>Turns the body of <c>POST /procurements</c> into a standing procurement's terms, naming every bad field.</summary>
public static class ProcurementRequests
{
    /// <summary>
    /// Reads <c>{sku, maxPrice | alternatives: [{sku, limit}, …], region?, gpus, horizonHours, blockHours}</c>; null
    /// with the bad fields recorded in <paramref name="fields"/>. The rules are the core's (<see cref="ProcurementTerms.Check"/>).
    /// </summary>
    public static ProcurementTerms? Terms(JsonFields fields)
    {
        var written = fields.Has("alternatives");
        var alternatives = OrderRequests.Alternatives(fields);
        var sku = fields.String("sku", required: !written, maxLength: 32);
        var region = fields.Id("region", required: false);
        var gpus = fields.Integer("gpus", long.MinValue, long.MaxValue);
        var horizon = fields.Integer("horizonHours", long.MinValue, long.MaxValue);
        var block = fields.Integer("blockHours", long.MinValue, long.MaxValue);
        var maxPrice = fields.Price("maxPrice", required: !written);
        fields.RejectUnknown();
        if (written && (sku is not null || maxPrice is not null))
            fields.Error("alternatives", "name either sku and maxPrice or alternatives (each SKU with its limit), not both");
        var terms = ProcurementTerms.Check(sku ?? alternatives?[0].Sku, region, gpus, horizon, block, maxPrice ?? alternatives?[0].Limit, fields.Errors, alternatives);
        return fields.IsValid ? terms : null;
    }
}
