using Gasometer.Money;
using Gasometer.Time;

namespace Gasometer.Tests.Time;

public sealed class InstantTests
{
    [Theory]
    [InlineData("2026-03-07T09:12:44.518203114-05:00", 1772892764518203114L, -300)]
    [InlineData("2026-03-07T09:15:02.90417-05:00", 1772892902904170000L, -300)]
    [InlineData("2026-03-07T10:15:00-05:00", 1772896500000000000L, -300)]
    [InlineData("2026-03-08T12:00:00Z", 1772971200000000000L, 0)]
    [InlineData("2026-03-08t12:00:00z", 1772971200000000000L, 0)]
    [InlineData("2026-03-08 12:00:00Z", 1772971200000000000L, 0)]
    [InlineData("2026-03-08T12:00:00", 1772971200000000000L, 0)]
    [InlineData("2026-03-08T12:00Z", 1772971200000000000L, 0)]
    [InlineData("2026-03-08T17:45:00.5+05:45", 1772971200500000000L, 345)]
    [InlineData("2028-02-29T00:00:00.000000001Z", 1835395200000000001L, 0)]
    public void ParsesRfc3339WithAnyOffsetAndUpToNineFractionalDigits(string text, long unixNanos, int offset)
    {
        Assert.True(Instant.TryParse(text, out var instant, out var problem), problem);
        Assert.Equal(new Instant(unixNanos, (short)offset), instant);
    }

    [Theory]
    [InlineData("2026-03-08")]
    [InlineData("2026-03-08T12")]
    [InlineData("2026-03-08T12:00:00.Z")]
    [InlineData("2026-03-08T12:00:00.1234567890Z")]
    [InlineData("2026-02-29T12:00:00Z")]
    [InlineData("2026-03-08T24:00:00Z")]
    [InlineData("2026-03-08T12:00:60Z")]
    [InlineData("2026-03-08T12:00:00+0500")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("９９９９-01-01T00:00:00Z")]
    public void RejectsWhatIsNotAnRfc3339Instant(string text) =>
        Assert.False(Instant.TryParse(text, out _, out _));

    [Fact]
    public void WritesUtcWithOnlyTheDigitsItNeeds()
    {
        Assert.True(Instant.TryParse("2026-03-07T09:12:44.518203-05:00", out var instant, out _));
        Assert.Equal("2026-03-07T14:12:44.518203Z", instant.ToUtcString());
        Assert.True(Instant.TryParse("2026-03-07T09:12:44-05:00", out instant, out _));
        Assert.Equal("2026-03-07T14:12:44Z", instant.ToUtcString());
    }
}

public sealed class UsdTests
{
    [Theory]
    [InlineData("1.0587230000000003", 1_058_723_000L)]
    [InlineData("0.0000000005", 1L)]
    [InlineData("0.0000000004", 0L)]
    [InlineData("1000000", 1_000_000_000_000_000L)]
    public void RoundsToTheNearestNanoDollar(string dollars, long nanos) =>
        Assert.Equal(nanos, Usd.ToNanos(decimal.Parse(dollars, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void TenIncrementsOfTenCentsAreExactlyOneDollar()
    {
        long total = 0;
        for (int i = 0; i < 10; i++) total += Usd.ToNanos(0.1m);
        Assert.Equal(1m, Usd.FromNanos(total));
        Assert.Equal("1", Usd.FromNanos(total).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("14.9544253", Usd.FromNanos(14_954_425_300).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void BillionDollarTotalsDoNotOverflow() =>
        Assert.Equal(1_000_000_000m, Usd.FromNanos(checked(1_000 * Usd.ToNanos(1_000_000m))));
}
