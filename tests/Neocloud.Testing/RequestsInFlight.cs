using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Neocloud.Testing;

/// <summary>
/// How many requests one test server is handling now (ASP.NET Core's <c>http.server.active_requests</c> of that server's
/// meters only), so a test can wait until the server is done with a request whose client went away — logs and all.
/// </summary>
public sealed class RequestsInFlight : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _active;

    /// <summary>Starts counting the requests of <paramref name="server"/>.</summary>
    public RequestsInFlight(TestServer server)
    {
        var meters = server.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "http.server.active_requests") listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, change, _, _) => Interlocked.Add(ref _active, change));
        _listener.Start();
    }

    /// <summary>The requests begun and not yet ended since this counter started.</summary>
    public long Active => Interlocked.Read(ref _active);

    public void Dispose() => _listener.Dispose();
}
