using Npgsql;

namespace Gasometer.Storage;

/// <summary>
/// Chooses the engine from configuration: PostgreSQL when a connection string is given (as
/// ConnectionStrings:Gasometer, or GASOMETER_DATABASE_URL in the postgres:// form hosting platforms
/// hand out), else the embedded SQLite file.
/// </summary>
public static class DatabaseSettings
{
    public const string DefaultSqlitePath = "data/gasometer.db";

    public static Database FromConfiguration(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Gasometer");
        if (string.IsNullOrWhiteSpace(connectionString)) connectionString = configuration["GASOMETER_DATABASE_URL"];
        if (!string.IsNullOrWhiteSpace(connectionString)) return Database.Postgres(ToNpgsql(connectionString));

        var path = configuration["Gasometer:SqlitePath"];
        return Database.Sqlite(string.IsNullOrWhiteSpace(path) ? DefaultSqlitePath : path);
    }

    /// <summary>Accepts both Npgsql's key=value form and a postgres:// or postgresql:// URL.</summary>
    public static string ToNpgsql(string value)
    {
        value = value.Trim();
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            && !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return value;

        var uri = new Uri(value);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0) builder.Username = Uri.UnescapeDataString(userInfo[0]);
        if (userInfo.Length == 2) builder.Password = Uri.UnescapeDataString(userInfo[1]);

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var val = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            if (key.Equals("sslmode", StringComparison.OrdinalIgnoreCase))
                builder.SslMode = Enum.Parse<SslMode>(val.Replace("-", ""), ignoreCase: true);
            else
                builder[key] = val;
        }
        return builder.ConnectionString;
    }
}
