using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Neocloud.Storage;
using Neocloud.Testing;

namespace Neocloud.Cli.Tests.Server;

/// <summary>
/// What an operator can fix when the exchange cannot start is one line <c>error: …</c> naming the option, and exit code
/// 2 — run with the real binary, as an operator would.
/// </summary>
public sealed class StartupErrorTests : IDisposable
{
    private readonly TempDirectory _data = new("neocloud-startup-");

    public void Dispose() => _data.Dispose();

    private static void AssertOneLine((int ExitCode, string Output, string Error) run, string start, string contains)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        var lines = run.Error.Trim().Split('\n');
        Assert.True(lines.Length == 1, run.Error);
        Assert.StartsWith(start, lines[0]);
        Assert.Contains(contains, lines[0]);
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_naming_urls()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var run = await ServerProcess.RunToEndAsync("serve", "--urls", $"http://127.0.0.1:{port}", "--data", _data.Path);

        AssertOneLine(run, "error: --urls: ", "already in use");
    }

    [Theory]
    [InlineData("--otlp-sample", "1.5", "error: --otlp-sample: ", "from 0 to 1")]
    [InlineData("--otlp", "collector:4317", "error: --otlp: ", "not an http(s) URL")]
    [InlineData("--log-format", "yaml", "error: Argument 'yaml' not recognized", "Must be one of: 'text' 'json' (see 'neocloud serve --help')")]
    public async Task A_bad_operations_option_is_one_line_naming_it(string option, string value, string start, string contains)
    {
        var run = await ServerProcess.RunToEndAsync("serve", "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--data", _data.Path, option, value);

        AssertOneLine(run, start, contains);
        Assert.False(File.Exists(_data.File("exchange.db")), "nothing is written when an option is wrong");
    }

    [Fact]
    public async Task A_data_directory_that_is_a_file_is_one_line_naming_data()
    {
        var file = _data.File("not-a-directory");
        await File.WriteAllTextAsync(file, "x");

        var run = await ServerProcess.RunToEndAsync("serve", "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--data", file);

        AssertOneLine(run, "error: --data: cannot use ", file);
    }

    [Fact]
    public async Task A_store_file_that_is_not_a_database_is_one_line_naming_data()
    {
        await File.WriteAllTextAsync(_data.File("exchange.db"), new string('x', 4096));

        var run = await ServerProcess.RunToEndAsync("serve", "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--data", _data.Path);

        AssertOneLine(run, "error: --data: cannot open ", "not a database");
    }

    [Fact]
    public async Task An_unreachable_postgresql_is_one_line_naming_db()
    {
        var port = ServerProcess.FreePort();
        var run = await ServerProcess.RunToEndAsync("serve", "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--data", _data.Path,
            "--db", $"Host=127.0.0.1;Port={port};Username=postgres;Timeout=5");

        AssertOneLine(run, "error: --db: cannot reach PostgreSQL at 127.0.0.1:" + port, "refused");
    }

    [Fact]
    public async Task A_postgresql_that_refuses_is_one_line_with_its_reason()
    {
        var missing = new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer.CreateDatabase("startup")) { Database = "no_such_database_here" };

        var run = await ServerProcess.RunToEndAsync("serve", "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--data", _data.Path,
            "--db", missing.ConnectionString);

        AssertOneLine(run, "error: --db: PostgreSQL refused: ", "\"no_such_database_here\" does not exist");
    }

    [Fact]
    public async Task A_store_written_by_a_newer_version_is_refused_and_left_as_it_was()
    {
        await (await ExchangeStore.OpenAsync(StoreOptions.SqliteFile(Path.Combine(_data.Path, "exchange.db")))).DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_data.Path, "exchange.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE schema_version SET version = 99";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        var run = await ServerProcess.RunToEndAsync("serve", "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--data", _data.Path);

        AssertOneLine(run, "error: --data: the store was written by a newer version", "schema 99");
        await using var check = new SqliteConnection($"Data Source={Path.Combine(_data.Path, "exchange.db")};Pooling=False");
        check.Open();
        using var read = check.CreateCommand();
        read.CommandText = "SELECT version FROM schema_version";
        Assert.Equal(99L, (long)read.ExecuteScalar()!);
    }
}
