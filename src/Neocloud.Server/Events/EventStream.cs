using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Neocloud.Exchange.Events;
using Neocloud.Storage;

namespace Neocloud.Server.Events;

/// <summary>
/// An organization's events as a Server-Sent Events response: <c>id</c> = seq, <c>event</c> = type, <c>data</c> = the
/// envelope. Each event's frame is built once per node and shared by every stream of its organization (the feed hands
/// caught-up readers the same event objects), and a batch is sent with one flush; a comment line every 15 s of quiet
/// keeps proxies from closing an idle stream.
/// </summary>
public sealed class EventStream(EventFeed feed, string organization, long after, IReadOnlyList<string>? types) : IResult
{
    private static readonly TimeSpan s_keepAlive = TimeSpan.FromSeconds(15);
    private static readonly ConditionalWeakTable<StoredEvent, byte[]> s_frames = [];
    private static readonly byte[] s_comment = ": keep-alive\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var stop = httpContext.RequestAborted;
        await response.StartAsync(stop);
        await response.BodyWriter.FlushAsync(stop); // the headers now, not with the first keep-alive 15 s later
        await using var batches = feed.FollowBatchesAsync(organization, after, types, stop).GetAsyncEnumerator(stop);
        var next = batches.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                try
                {
                    // A completed batch passes at once; a timer only runs while the stream is quiet.
                    if (!await next.WaitAsync(s_keepAlive, stop)) return;
                }
                catch (TimeoutException)
                {
                    response.BodyWriter.Write(s_comment);
                    await response.BodyWriter.FlushAsync(stop);
                    continue;
                }
                // Copied into the response's pipe (no write a frame), sent with one flush.
                foreach (var e in batches.Current) response.BodyWriter.Write(s_frames.GetValue(e, Frame));
                await response.BodyWriter.FlushAsync(stop);
                next = batches.MoveNextAsync().AsTask();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static byte[] Frame(StoredEvent e) =>
        Encoding.UTF8.GetBytes($"id: {e.Seq.ToString(CultureInfo.InvariantCulture)}\nevent: {e.Type}\ndata: {EventView.Json(e)}\n\n");
}
