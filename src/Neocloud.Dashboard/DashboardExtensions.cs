using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Neocloud.Dashboard;

/// <summary>Whether people sign in through an identity provider (<c>/signin</c>) beside pasting an API token.</summary>
public sealed record DashboardSignIn(bool People);

/// <summary>How a host serves the dashboard: its services, and its pages as interactive server components.</summary>
public static class DashboardExtensions
{
    /// <summary>
    /// Razor components, MudBlazor, and one <see cref="DeskSession"/> per browser circuit; with <paramref name="peopleSignIn"/>
    /// the pages offer the identity provider's sign-in (the host maps <c>/signin</c> and <c>/signout</c>).
    /// </summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, bool peopleSignIn = false)
    {
        services.AddSingleton(new DashboardSignIn(peopleSignIn));
        services.AddCascadingAuthenticationState();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddScoped<DeskSession>();
        return services;
    }

    /// <summary>Maps the dashboard's pages (the host maps its static assets).</summary>
    public static RazorComponentsEndpointConventionBuilder MapDashboard(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapRazorComponents<App>().AddInteractiveServerRenderMode();
}
