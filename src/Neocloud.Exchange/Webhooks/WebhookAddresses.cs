using System.Net;
using System.Net.Sockets;

namespace Neocloud.Exchange.Webhooks;

/// <summary>
/// Which addresses a webhook may reach: public unicast only. Private (RFC 1918, carrier-grade NAT), loopback,
/// link-local, unique-local, site-local, multicast, broadcast, reserved and unspecified addresses are refused, in IPv4
/// and IPv6, an IPv4 address mapped into IPv6 (or behind the NAT64 prefix) judged as the IPv4 address it carries.
/// </summary>
public static class WebhookAddresses
{
    /// <summary>True for an address a webhook may connect to without its host being allowed.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsPublic(address.MapToIPv4());
        if (address.AddressFamily == AddressFamily.InterNetwork) return IsPublicV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6UniqueLocal || address.IsIPv6Multicast)
            return false;
        var bytes = address.GetAddressBytes();
        // 64:ff9b::/96 (NAT64) carries an IPv4 address in its last four bytes; ::/96 (IPv4-compatible, deprecated) too.
        if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return IsPublicV4(bytes[12..]);
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return false;
        // 2001:db8::/32 is for documentation; 100::/64 discards.
        if (bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8) return false;
        return !(bytes[0] == 0x01 && bytes[1] == 0x00 && bytes.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0);
    }

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
