using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Neocloud.Dashboard;

/// <summary>How a host serves the dashboard: its services, and its pages as interactive server components.</summary>
public static class DashboardExtensions
{
    /// <summary>Razor components, MudBlazor, and one <see cref="DeskSession"/> per browser circuit.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddScoped<DeskSession>();
        return services;
    }

    /// <summary>Maps the dashboard's pages (the host maps its static assets).</summary>
    public static RazorComponentsEndpointConventionBuilder MapDashboard(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapRazorComponents<App>().AddInteractiveServerRenderMode();
}
