using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Neocloud.Exchange.Access;
using Neocloud.Exchange.Events;
using Neocloud.Server.Auth;
using Neocloud.Storage;

namespace Neocloud.Server.Events;

/// <summary>
/// An organization's events as a Server-Sent Events response: <c>id</c> = seq, <c>event</c> = type, <c>data</c> = the
/// envelope. Each event's frame is built once per node and shared by every stream of its organization (the feed hands
/// caught-up readers the same event objects), and a batch is sent with one flush; a comment line every 15 s of quiet
/// keeps proxies from closing an idle stream. The stream ends when the client leaves, or when the caller's token stops
/// working (revoked or expired: <see cref="TokenDirectory.Hold"/>).
/// </summary>
public sealed class EventStream(EventFeed feed, TokenDirectory tokens, ClaimsPrincipal caller, long after, IReadOnlyList<string>? types) : IResult
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
        using var hold = caller.HoldToken(tokens, httpContext.RequestAborted);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(hold.Ending);
        var stop = ending.Token;
        await using var batches = feed.FollowBatchesAsync(caller.OrganizationId(), after, types, stop).GetAsyncEnumerator(stop);
        Task<bool>? next = null;
        try
        {
            // Sent now, not with the first event or keep-alive: a client knows at once that its stream is open.
            await response.StartAsync(stop);
            await response.BodyWriter.FlushAsync(stop);
            next = batches.MoveNextAsync().AsTask();
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
            // The client went away, or the token stopped working: the response ends here.
        }
        finally
        {
            // The feed's enumerator may only be disposed once its pending read has ended (else it throws); that read
            // watches this token, so it ends at once.
            await ending.CancelAsync();
            if (next is not null)
            {
                try
                {
                    await next;
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    // Cancelled with the stream (or failed, and then so did the stream, which says so itself).
                }
            }
        }
    }

    private static byte[] Frame(StoredEvent e) =>
        Encoding.UTF8.GetBytes($"id: {e.Seq.ToString(CultureInfo.InvariantCulture)}\nevent: {e.Type}\ndata: {EventView.Json(e)}\n\n");
}
