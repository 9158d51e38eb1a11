using System.Globalization;
using System.Text.Json;

namespace Gasometer.Tests.Dashboard;

/// <summary>What the page must show for a value, written independently of the frontend's code.</summary>
public static class ExpectedText
{
    /// <summary>"$1,234.57": two decimals rounded half away from zero; under a cent, four decimals.</summary>
    public static string Usd(decimal usd)
    {
        var magnitude = Math.Abs(usd);
        var sign = usd < 0 ? "-" : "";
        if (magnitude == 0 || magnitude >= 0.01m)
        {
            var rounded = Math.Round(magnitude, 2, MidpointRounding.AwayFromZero);
            return (rounded == 0 ? "" : sign) + "$" + rounded.ToString("#,##0.00", CultureInfo.InvariantCulture);
        }
        if (magnitude < 0.00005m) return sign + "<$0.0001";
        return sign + "$" + Math.Round(magnitude, 4, MidpointRounding.AwayFromZero).ToString("0.0000", CultureInfo.InvariantCulture);
    }

    public static string Count(long count) => count.ToString("#,##0", CultureInfo.InvariantCulture);

    /// <summary>A money field of an API answer, read as the exact decimal the server wrote.</summary>
    public static decimal Amount(JsonElement element, string property) => element.GetProperty(property).GetDecimal();

    public static string Date(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
