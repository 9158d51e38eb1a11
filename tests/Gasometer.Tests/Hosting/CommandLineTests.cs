using Gasometer.Import;
using Xunit;

namespace Gasometer.Tests.Hosting;

/// <summary>What the gasometer program does with a mistyped command or a database it cannot use: a clear exit, never a server or a crash.</summary>
public sealed class CommandLineTests : IDisposable
{
    readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("gasometer-cli-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public async Task AnUnknownCommandIsRefusedInsteadOfStartingAServer() =>
        Assert.Equal(2, await Program.Main(["bogus-command", "--urls=http://127.0.0.1:0"]));

    [Fact]
    public async Task HelpPrintsUsageAndExits() =>
        Assert.Equal(0, await Program.Main(["--help"]));

    [Fact]
    public async Task ImportHelpPrintsUsageAndImportsNothing()
    {
        var output = new StringWriter();
        var database = Path.Combine(folder.FullName, "never.db");
        Assert.Equal(0, await ImportCommand.RunAsync(["costs", "--help", $"--Gasometer:SqlitePath={database}"], output));
        Assert.Contains("gasometer import costs", output.ToString());
        Assert.False(File.Exists(database));
    }

    [Fact]
    public async Task AServerWhoseDatabasePathIsAFolderExitsWithOneAndCreatesNothing()
    {
        Assert.Equal(1, await Program.Main([$"--Gasometer:SqlitePath={folder.FullName}", "--urls=http://127.0.0.1:0"]));
        Assert.Empty(folder.EnumerateFileSystemInfos());
    }

    [Fact]
    public async Task AnImportIntoAFileThatIsNotADatabaseExitsWithOneAndLeavesTheFileAlone()
    {
        var notADatabase = Path.Combine(folder.FullName, "notes.db");
        await File.WriteAllTextAsync(notADatabase, "these are my notes, not a database\n");

        int exit = await ImportCommand.RunAsync(["costs", Gasometer.Tests.Import.Samples.CostsLedger, $"--Gasometer:SqlitePath={notADatabase}"], TextWriter.Null);

        Assert.Equal(1, exit);
        Assert.Equal("these are my notes, not a database\n", await File.ReadAllTextAsync(notADatabase));
    }
}
