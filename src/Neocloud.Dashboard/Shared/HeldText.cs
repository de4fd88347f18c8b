using System.Text.Json;

namespace Neocloud.Dashboard.Shared;

/// <summary>What the desk says of a command held for approval (the held outcome's answer body is the approval).</summary>
public static class HeldText
{
    /// <summary>The approval's id and value, and where it is decided.</summary>
    public static string Of(string approval)
    {
        using var json = JsonDocument.Parse(approval);
        var root = json.RootElement;
        return $"held for approval: {root.GetProperty("approval").GetString()} ({root.GetProperty("valueUsd").GetString()} USD is at or above your organization's threshold); another approver decides on the Approvals page";
    }
}
