using System.Globalization;
using System.Text;
using Dapper;
using Gasometer.Ingest;
using Gasometer.Storage;
using Gasometer.Time;

namespace Gasometer.Stats;

/// <summary>
/// The parameters every read endpoint shares: a time range in the reporting zone and the role, rig,
/// worker, model and source filters. Parsing collects every problem so a bad request gets one 400 that
/// names each bad parameter; nothing is silently ignored.
/// </summary>
public sealed record StatsQuery(
    ReportingZone Zone,
    long? FromNanos,
    long? ToNanos,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Rigs,
    IReadOnlyList<string> Workers,
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Sources)
{
    /// <summary>
    /// Whether spend that transcript spend replaces is counted (<see cref="SourceOverlap"/>): left
    /// out whenever transcripts are shown beside another source (no source filter included);
    /// counted when one source is shown alone, or only other sources are.
    /// </summary>
    public OverlapCounting Overlap => OverlapOverride
        ?? (Sources.Count == 0 || (Sources.Count > 1 && Sources.Contains(SourceOverlap.TranscriptSource))
            ? OverlapCounting.Once
            : OverlapCounting.All);

    /// <summary>Set by an endpoint that reads the overlap itself (/api/stats/sources).</summary>
    public OverlapCounting? OverlapOverride { get; init; }

    /// <summary>Whether day_rollup is kept for this zone (see <see cref="RollupZones"/>).</summary>
    public bool ZoneIsRolledUp { get; init; }

    /// <summary>
    /// The range as local day numbers when both ends fall on day starts in the zone (or are open):
    /// then whole days can come from day_rollup. Null bounds are open.
    /// </summary>
    public bool TryWholeDays(long from, long to, out long? firstDay, out long? endDay)
    {
        firstDay = endDay = null;
        if (!ZoneIsRolledUp) return false;
        if (from > 0)
        {
            var date = Zone.DateOf(from);
            if (Zone.StartOf(date) != from) return false;
            firstDay = DayRollup.DayNumber(date);
        }
        if (to < long.MaxValue)
        {
            var date = Zone.DateOf(to);
            if (Zone.StartOf(date) != to) return false;
            endDay = DayRollup.DayNumber(date);
        }
        return true;
    }

    /// <summary>SQL conditions on day_rollup for the zone and a day range, adding their parameters.</summary>
    public string DayRangeSql(DynamicParameters parameters, long? firstDay, long? endDay)
    {
        parameters.Add("zone", Zone.Id);
        var sql = "zone = @zone";
        if (firstDay is not null) { parameters.Add("first_day", firstDay); sql += " AND day >= @first_day"; }
        if (endDay is not null) { parameters.Add("end_day", endDay); sql += " AND day < @end_day"; }
        return sql;
    }

    /// <summary>Reads the shared parameters; problems go to <paramref name="problems"/>.</summary>
    public static StatsQuery? Parse(IQueryCollection query, IConfiguration configuration, List<ValidationDetail> problems)
    {
        int before = problems.Count;
        var zone = ParseZone(query, configuration, problems);
        long? from = null, to = null;
        if (zone is not null)
        {
            from = ParseBound(query, "from", zone, isEnd: false, problems);
            to = ParseBound(query, "to", zone, isEnd: true, problems);
            if (from is not null && to is not null && from >= to)
                problems.Add(new("from", "must be before to"));
        }
        var query2 = new StatsQuery(zone!, from, to, List(query, "role", problems), List(query, "rig", problems),
            List(query, "worker", problems), List(query, "model", problems), List(query, "source", problems))
        {
            ZoneIsRolledUp = zone is not null && RollupZones.FromConfiguration(configuration).Covers(zone),
        };
        return problems.Count > before ? null : query2;
    }

    static ReportingZone? ParseZone(IQueryCollection query, IConfiguration configuration, List<ValidationDetail> problems)
    {
        var requested = Single(query, "tz", problems);
        var id = requested ?? configuration["Gasometer:TimeZone"];
        if (string.IsNullOrWhiteSpace(id)) id = "UTC";
        if (ReportingZone.TryFind(id, out var zone)) return zone;
        problems.Add(new(requested is null ? "Gasometer:TimeZone" : "tz", $"'{id}' is not a known IANA time zone such as America/New_York"));
        return null;
    }

    /// <summary>
    /// A date (YYYY-MM-DD) is the start of that day in the zone; as `to` it includes the whole day.
    /// An RFC 3339 instant is taken as is; as `to` it is inclusive, as in the seed.
    /// Returned bounds are half-open: [from, to).
    /// </summary>
    static long? ParseBound(IQueryCollection query, string name, ReportingZone zone, bool isEnd, List<ValidationDetail> problems)
    {
        var text = Single(query, name, problems);
        if (text is null) return null;
        if (text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            if (date.Year is < 1970 or > 2199)
            {
                problems.Add(new(name, "must be between 1970 and the end of 2199"));
                return null;
            }
            return zone.StartOf(isEnd ? date.AddDays(1) : date);
        }
        if (Instant.TryParse(text, out var instant, out _)) return isEnd ? instant.UnixNanos + 1 : instant.UnixNanos;
        problems.Add(new(name, "must be a date (YYYY-MM-DD) or an RFC 3339 date-time"));
        return null;
    }

    public static string? Single(IQueryCollection query, string name, List<ValidationDetail> problems)
    {
        if (!query.TryGetValue(name, out var values)) return null;
        if (values.Count > 1)
        {
            problems.Add(new(name, "must be given once"));
            return null;
        }
        var text = values[0]?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            problems.Add(new(name, "must not be empty"));
            return null;
        }
        return text;
    }

    /// <summary>A filter may repeat (role=a&amp;role=b) or list values (role=a,b).</summary>
    static IReadOnlyList<string> List(IQueryCollection query, string name, List<ValidationDetail> problems)
    {
        if (!query.TryGetValue(name, out var values)) return [];
        var list = values.SelectMany(v => (v ?? "").Split(',')).Select(v => v.Trim()).Where(v => v.Length > 0).Distinct().ToList();
        if (list.Count == 0) problems.Add(new(name, "must name at least one value"));
        if (list.Count > 100) problems.Add(new(name, "may name at most 100 values"));
        return list;
    }

    public static int? Integer(IQueryCollection query, string name, int fallback, int min, int max, List<ValidationDetail> problems)
    {
        var text = Single(query, name, problems);
        if (text is null) return query.ContainsKey(name) ? null : fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        problems.Add(new(name, $"must be a whole number from {min} to {max}"));
        return null;
    }

    public static string? OneOf(IQueryCollection query, string name, string fallback, string[] allowed, List<ValidationDetail> problems)
    {
        var text = Single(query, name, problems);
        if (text is null) return query.ContainsKey(name) ? null : fallback;
        if (allowed.Contains(text, StringComparer.Ordinal)) return text;
        problems.Add(new(name, $"must be one of {string.Join(", ", allowed)}"));
        return null;
    }

    /// <summary>SQL conditions (each starting with AND) for the filters, adding their parameters.</summary>
    public string FilterSql(Database database, DynamicParameters parameters)
    {
        var sql = new StringBuilder();
        void Add(string column, IReadOnlyList<string> values)
        {
            if (values.Count == 0) return;
            parameters.Add("f_" + column, values);
            sql.Append(" AND ").Append(database.InList(column, "f_" + column));
        }
        Add("role", Roles);
        Add("rig", Rigs);
        Add("worker", Workers);
        Add("model", Models);
        Add("source", Sources);
        return sql.ToString();
    }
}

/// <summary>How <see cref="SpendReader"/> treats spend that transcript spend of the same agent and hour replaces.</summary>
public enum OverlapCounting
{
    /// <summary>Left out: the same work counts once.</summary>
    Once,
    /// <summary>Counted: each selected source in full.</summary>
    All,
    /// <summary>Only what was left out (for /api/stats/sources).</summary>
    LeftOut,
}
