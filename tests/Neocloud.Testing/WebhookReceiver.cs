using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Neocloud.Testing;

/// <summary>
/// A real webhook receiver on 127.0.0.1 (a free port): it records every request it gets (path, body, headers) and
/// answers with <see cref="Status"/>; <see cref="Verifies"/> checks a request's Neocloud-Signature the way a
/// receiver would, with HMAC-SHA256 over "t.body" written here, not the exchange's code.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Delivery> _received = new();

    private WebhookReceiver(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The receiver's base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    /// <summary>The status code every request gets (200 unless a test makes the receiver fail).</summary>
    public int Status { get; set; } = 200;

    /// <summary>How long each answer is held back (a slow receiver).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>Every request received, in arrival order.</summary>
    public IReadOnlyList<Delivery> Received => [.. _received];

    /// <summary>The requests received on <paramref name="path"/> (e.g. <c>/microsoft</c>), in arrival order.</summary>
    public IReadOnlyList<Delivery> On(string path) => _received.Where(d => d.Path == path).ToList();

    /// <summary>The URL of <paramref name="path"/> on this receiver.</summary>
    public string Url(string path) => new Uri(Address, path).ToString();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var self = receiver!;
            self._received.Enqueue(new Delivery(context.Request.Path.Value ?? "", body, context.Request.Headers["Neocloud-Signature"].ToString(),
                context.Request.Headers["Neocloud-Event-Id"].ToString(), context.Request.Headers["Neocloud-Event-Type"].ToString(),
                context.Request.ContentType ?? ""));
            if (self.Delay > TimeSpan.Zero) await Task.Delay(self.Delay, context.RequestAborted);
            context.Response.StatusCode = self.Status;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new WebhookReceiver(app, new Uri(address.TrimEnd('/') + "/"));
        return receiver;
    }

    /// <summary>True when <paramref name="delivery"/>'s signature is HMAC-SHA256 of "t.body" under <paramref name="secret"/>.</summary>
    public static bool Verifies(Delivery delivery, string secret)
    {
        var parts = delivery.Signature.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)) return false;
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out _)) return false;
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{delivery.Body}")));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(v1));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One request as received.</summary>
    public sealed record Delivery(string Path, string Body, string Signature, string EventId, string EventType, string ContentType)
    {
        private JsonElement Envelope => JsonDocument.Parse(Body).RootElement;

        /// <summary>The envelope's <c>seq</c>.</summary>
        public long Seq => Envelope.GetProperty("seq").GetInt64();

        /// <summary>The envelope's <c>id</c>.</summary>
        public string Id => Envelope.GetProperty("id").GetString()!;

        /// <summary>The envelope's <c>type</c>.</summary>
        public string Type => Envelope.GetProperty("type").GetString()!;
    }
}
