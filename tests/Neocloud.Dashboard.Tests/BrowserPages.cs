using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Neocloud.Dashboard.Tests;

/// <summary>How the browser tests open the dashboard: a fresh context, the console's and the page's errors collected, and signing in with a token.</summary>
public static class BrowserPages
{
    /// <summary>Opens <paramref name="path"/> in a fresh context once Blazor's circuit is up; the page and the errors it logs.</summary>
    public static async Task<(IPage Page, List<string> Errors)> OpenAsync(IBrowser browser, Uri server, string path, int width = 1280, int height = 900)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error") errors.Add($"{message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(path);
        // Interactive once Blazor's circuit is up: the page's buttons then act.
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('h1') !== null");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        return (page, errors);
    }

    /// <summary>
    /// Opens My desk and signs in with the token; the organization's chip shows in the app bar. What is typed or clicked
    /// while the circuit still attaches to the prerendered page is lost on a busy machine (the first page a cold server
    /// serves takes seconds): the desk then shows nothing, or says the empty token is unknown, and the person signs in again.
    /// </summary>
    public static async Task<(IPage Page, List<string> Errors)> SignedInAsync(IBrowser browser, Uri server, string token, string organization,
        int width = 1280, int height = 900)
    {
        var (page, errors) = await OpenAsync(browser, server, "/desk", width, height);
        var signedIn = page.GetByTestId("signed-in");
        for (var attempt = 1; ; attempt++)
        {
            await page.GetByTestId("token-input").FillAsync(token);
            await page.GetByTestId("sign-in").ClickAsync();
            try
            {
                await Assertions.Expect(signedIn).ToBeVisibleAsync(new() { Timeout = 15_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 4)
            {
                if (await signedIn.IsVisibleAsync()) break;
            }
        }
        await Assertions.Expect(signedIn).ToContainTextAsync(organization);
        errors.Clear();
        return (page, errors);
    }

    /// <summary>Calls the server's API with a bearer token; the answer's JSON (a failure names the call and its answer).</summary>
    public static async Task<JsonElement> CallAsync(Uri server, HttpMethod method, string path, string? json, string bearer)
    {
        using var http = new HttpClient { BaseAddress = server };
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
