using System.Globalization;
using Neocloud.Domain.Time;

namespace Neocloud.Dashboard.Shared;

/// <summary>Market hours shown as UTC dates, and dates turned back into hours.</summary>
public static class Hours
{
    /// <summary>The hour as "2026-11-24 13:00".</summary>
    public static string Show(long hour) => new Hour((int)hour).StartUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A window as "2026-11-24 13:00 + 168 h".</summary>
    public static string Window(long start, long end) => $"{Show(start)} + {(end - start).ToString("#,0", CultureInfo.InvariantCulture)} h";

    /// <summary>The hour a UTC date starts.</summary>
    public static int Of(DateTime dateUtc) => Hour.FromUtc(new DateTimeOffset(DateTime.SpecifyKind(dateUtc.Date, DateTimeKind.Utc))).Value;

    /// <summary>The current hour.</summary>
    public static int Now(TimeProvider clock) => Hour.FromUtc(clock.GetUtcNow()).Value;
}
