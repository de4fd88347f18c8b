namespace Neocloud.Dashboard.Tests;

/// <summary>A <see cref="BrowserFixture"/> whose server may deliver webhooks to receivers on 127.0.0.1 (plain http).</summary>
public sealed class WebhookBrowserFixture() : BrowserFixture("--webhook-allow-host", "127.0.0.1");
