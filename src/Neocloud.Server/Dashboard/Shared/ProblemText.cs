using System.Text.Json;
using Neocloud.Server.Http;

namespace Neocloud.Server.Dashboard.Shared;

/// <summary>A problem answer in one line for the dashboard: each bad field with its message, or the problem's detail.</summary>
public static class ProblemText
{
    public static string Of(ApiResponse answer)
    {
        using var problem = JsonDocument.Parse(answer.Json);
        var root = problem.RootElement;
        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            return string.Join("; ", errors.EnumerateObject().Select(e => $"{e.Name}: {string.Join(", ", e.Value.EnumerateArray().Select(v => v.GetString()))}"));
        return root.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : $"the exchange answered {answer.Status}";
    }
}
