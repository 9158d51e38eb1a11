using Gasometer.Import;

namespace Gasometer.Tests.Import;

public sealed class CallSpillTests
{
    static UsageCopy Copy(int i) => new($"msg_{i}:req_{i}", 1_772_870_400_000_000_000L + i, i % 3, i, 2 * i, 3 * i, 4 * i, 5 * i, i % 2,
        Fast: i % 5 == 0, "claude-sonnet-4-5", i % 4 == 0 ? 0.0001m * i : null);

    [Fact]
    public void EachPartGivesBackItsRecordsInTheOrderTheyWereAddedAndIsDeletedOnceRead()
    {
        var folder = Directory.CreateTempSubdirectory("gasometer-spill-test-");
        try
        {
            using var spill = new CallSpill(folder.FullName, "copies", 3);
            var added = Enumerable.Range(0, 50).Select(Copy).ToList();
            foreach (var c in added) spill.Add(c.Session, c);

            for (int part = 0; part < 3; part++)
                Assert.Equal(added.Where(c => c.Session == part), spill.Read(part).ToList());
            Assert.Empty(folder.EnumerateFiles());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void AFolderThatCannotBeWrittenIsReportedByNameNotAsAStackTrace()
    {
        var missing = Path.Combine(Path.GetTempPath(), "gasometer-no-such-folder-" + Guid.NewGuid().ToString("N"));
        using var spill = new CallSpill(missing, "copies", 1);

        var e = Assert.Throws<TempFilesException>(() => spill.Add(0, Copy(1)));

        Assert.Contains(missing, e.Message);
        Assert.Contains("TMPDIR", e.Message);
    }
}
