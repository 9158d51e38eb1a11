using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Gasometer.Storage;

/// <summary>
/// A write statement prepared once and run many times with its values set by position, inside the
/// transaction its connection has open. On SQLite it is prepared on the connection's native handle:
/// Microsoft.Data.Sqlite looks every parameter up by name on each execution (a linear search inside
/// SQLite, after encoding the name again), which for a 25-column row cost as much as the insert
/// itself. Here each name is looked up once, when the statement is prepared. Other engines run an
/// ordinary ADO.NET command.
/// </summary>
public abstract class PreparedStatement : IDisposable
{
    /// <summary>A statement whose parameters are <c>@name</c> for each of <paramref name="parameterNames"/>, set by their position in that list.</summary>
    public static PreparedStatement Create(DbConnection connection, string sql, IReadOnlyList<string> parameterNames) =>
        connection is SqliteConnection sqlite
            ? new NativeSqlite(sqlite, sql, parameterNames)
            : new AdoCommand(connection, sql, parameterNames);

    /// <summary>The transaction the next execution belongs to (SQLite: whichever its connection has open).</summary>
    public abstract DbTransaction? Transaction { set; }

    /// <summary>Sets the value of the parameter at <paramref name="position"/>: null, a string or an integer.</summary>
    public abstract void Set(int position, object? value);

    /// <summary>Runs the statement and returns the first column of its first row (null when it returns none).</summary>
    public abstract Task<object?> ExecuteScalarAsync();

    public async Task ExecuteNonQueryAsync() => await ExecuteScalarAsync();

    public abstract void Dispose();

    sealed class NativeSqlite : PreparedStatement
    {
        readonly sqlite3 db;
        readonly sqlite3_stmt statement;
        readonly int[] indexOf;

        public NativeSqlite(SqliteConnection connection, string sql, IReadOnlyList<string> parameterNames)
        {
            db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
            int rc = raw.sqlite3_prepare_v3(db, sql, raw.SQLITE_PREPARE_PERSISTENT, out statement, out string tail);
            SqliteException.ThrowExceptionForRC(rc, db);
            if (!string.IsNullOrWhiteSpace(tail))
            {
                statement.Dispose();
                throw new ArgumentException("A prepared statement holds exactly one SQL statement.", nameof(sql));
            }
            indexOf = new int[parameterNames.Count];
            for (int i = 0; i < indexOf.Length; i++)
            {
                indexOf[i] = raw.sqlite3_bind_parameter_index(statement, "@" + parameterNames[i]);
                if (indexOf[i] == 0)
                {
                    statement.Dispose();
                    throw new ArgumentException($"The statement has no parameter @{parameterNames[i]}.", nameof(parameterNames));
                }
            }
        }

        public override DbTransaction? Transaction { set { } }

        public override void Set(int position, object? value)
        {
            int index = indexOf[position];
            int rc = value switch
            {
                null or DBNull => raw.sqlite3_bind_null(statement, index),
                long l => raw.sqlite3_bind_int64(statement, index, l),
                int i => raw.sqlite3_bind_int64(statement, index, i),
                short s => raw.sqlite3_bind_int64(statement, index, s),
                string text => BindText(index, text),
                _ => throw new ArgumentException($"A {value.GetType().Name} cannot be bound here.", nameof(value)),
            };
            SqliteException.ThrowExceptionForRC(rc, db);
        }

        /// <summary>
        /// The text as UTF-8 from a buffer on the stack (SQLite copies it): SQLitePCL's string overload
        /// allocates a new array for every value, a fifth of the cost of inserting a snapshot row.
        /// </summary>
        int BindText(int index, string text)
        {
            const int StackLimit = 1024;
            int most = Encoding.UTF8.GetMaxByteCount(text.Length);
            Span<byte> utf8 = most <= StackLimit ? stackalloc byte[StackLimit] : new byte[most];
            int length = Encoding.UTF8.GetBytes(text, utf8);
            return raw.sqlite3_bind_text(statement, index, utf8[..length]);
        }

        public override Task<object?> ExecuteScalarAsync()
        {
            try
            {
                object? first = null;
                int rc = raw.sqlite3_step(statement);
                if (rc == raw.SQLITE_ROW && raw.sqlite3_column_type(statement, 0) != raw.SQLITE_NULL)
                    first = raw.sqlite3_column_int64(statement, 0);
                while (rc == raw.SQLITE_ROW) rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db);
                return Task.FromResult(first);
            }
            finally
            {
                // A statement left mid-step would keep its read open (and a failed one its error).
                raw.sqlite3_reset(statement);
            }
        }

        public override void Dispose() => statement.Dispose();
    }

    sealed class AdoCommand : PreparedStatement
    {
        readonly DbCommand command;

        public AdoCommand(DbConnection connection, string sql, IReadOnlyList<string> parameterNames)
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameterNames)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@" + name;
                command.Parameters.Add(parameter);
            }
        }

        public override DbTransaction? Transaction { set => command.Transaction = value; }

        public override void Set(int position, object? value) => command.Parameters[position].Value = value ?? DBNull.Value;

        public override async Task<object?> ExecuteScalarAsync()
        {
            var value = await command.ExecuteScalarAsync();
            return value is DBNull ? null : value;
        }

        public override void Dispose() => command.Dispose();
    }
}
