using Neocloud.Domain.Input;
using Neocloud.Exchange.Accounts;

namespace Neocloud.Server.Http;

/// <summary>Amounts of dollars in request bodies: strings with up to two decimals ("250000.00"), parsed to cents in one place.</summary>
public static class UsdFields
{
    /// <summary>
    /// A field that must be given, as dollars or as null (for "none"): its cents, or null for null and for a bad value
    /// (whose error, naming the field, is added: not an amount, or below <paramref name="least"/> cents).
    /// </summary>
    public static long? RequiredCentsOrNull(this JsonFields fields, string name, string example, long least, string belowLeast)
    {
        if (!fields.IsPresent(name))
        {
            fields.Error(name, $"is required: dollars as a string (e.g. \"{example}\"), or null for none");
            return null;
        }
        if (fields.String(name, required: false) is not { } text) return null;
        var (cents, why) = AccountMoney.ParseUsd(text);
        if (why is not null) fields.Error(name, why);
        else if (cents < least) fields.Error(name, belowLeast);
        else return cents;
        return null;
    }
}
