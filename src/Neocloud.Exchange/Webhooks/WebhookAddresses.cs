using System.Net;
using System.Net.Sockets;

namespace Neocloud.Exchange.Webhooks;

/// <summary>
/// Which addresses a webhook may reach: public unicast only. Private (RFC 1918, carrier-grade NAT), loopback,
/// link-local, unique-local, site-local, multicast, broadcast, reserved and unspecified addresses are refused, in IPv4
/// and IPv6; so is every IPv6 address that carries an IPv4 one (IPv4-mapped <c>::ffff:0:0/96</c>, IPv4-translated
/// <c>::ffff:0:0:0/96</c>, IPv4-compatible <c>::/96</c>, NAT64 <c>64:ff9b::/96</c> and <c>64:ff9b:1::/48</c>, 6to4
/// <c>2002::/16</c>, Teredo <c>2001::/32</c>): a translator or relay on the way may deliver it to any IPv4 address,
/// the exchange's own network included, and a receiver needs none of them (it is reached at its IPv4 address itself).
/// </summary>
public static class WebhookAddresses
{
    /// <summary>True for an address a webhook may connect to without its host being allowed.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork) return IsPublicV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (address.IsIPv4MappedToIPv6 || address.IsIPv6Teredo || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6UniqueLocal || address.IsIPv6Multicast)
            return false;
        var bytes = address.GetAddressBytes();
        return !EmbedsIPv4(bytes)
            // ::/96 holds :: (unspecified), ::1 (loopback) and the deprecated IPv4-compatible addresses.
            && bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) >= 0
            // 2001:db8::/32 is for documentation; 100::/64 discards.
            && !(bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8)
            && !(bytes[0] == 0x01 && bytes[1] == 0x00 && bytes.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0);
    }

    /// <summary>The IPv6 prefixes that carry an IPv4 address (Teredo and IPv4-mapped are tested by their properties).</summary>
    private static bool EmbedsIPv4(byte[] b) =>
        // 64:ff9b::/96 (NAT64, well-known) and 64:ff9b:1::/48 (NAT64, local use): all of 64:ff9b::/32, which holds nothing else.
        (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
        // ::ffff:0:0:0/96 (IPv4-translated, SIIT).
        || (b.AsSpan(0, 8).IndexOfAnyExcept((byte)0) < 0 && b[8] == 0xff && b[9] == 0xff && b[10] == 0x00 && b[11] == 0x00)
        // 2002::/16 (6to4).
        || (b[0] == 0x20 && b[1] == 0x02);

    /// <summary>The host's addresses: itself when it is an IP literal, else what DNS answers.</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(literal, out var address)) return [address];
        return await Dns.GetHostAddressesAsync(host, cancellationToken);
    }

    private static bool IsPublicV4(byte[] b) => !(
        b[0] == 0 // "this network", 0.0.0.0 included
        || b[0] == 10
        || b[0] == 127
        || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) // carrier-grade NAT
        || (b[0] == 169 && b[1] == 254)
        || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
        || (b[0] == 192 && b[1] == 168)
        || (b[0] == 192 && b[1] == 0 && b[2] == 0) // IETF protocol assignments
        || (b[0] == 198 && (b[1] == 18 || b[1] == 19)) // benchmarking
        || b[0] >= 224); // multicast, reserved, broadcast
}
