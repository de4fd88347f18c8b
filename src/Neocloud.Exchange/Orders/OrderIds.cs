using System.Globalization;
using System.Security.Cryptography;

namespace Neocloud.Exchange.Orders;

/// <summary>Order ids and the limits of an order that are the exchange's, not the market's.</summary>
public static class OrderIds
{
    /// <summary>The most GPUs one order may hold.</summary>
    public const int MaxGpus = 1_000_000;

    /// <summary>
    /// A new order id: the millisecond it was made (12 hex digits), so new ids sort last and the store's index on them
    /// grows at one edge instead of touching a random page per order, then 64 random bits, so an id cannot be guessed.
    /// </summary>
    public static string New(TimeProvider clock)
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return string.Create(CultureInfo.InvariantCulture, $"ord_{clock.GetUtcNow().ToUnixTimeMilliseconds():x12}{Convert.ToHexStringLower(random)}");
    }
}
