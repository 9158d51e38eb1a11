namespace Gasometer.Tests.Hosting;

/// <summary>The shared sample inputs (../shared/samples next to the repository), read as the product reads them.</summary>
public static class SampleFiles
{
    public static string Folder
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gasometer.slnx"))) dir = dir.Parent;
            if (dir?.Parent is null) throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
            return Path.Combine(dir.Parent.FullName, "shared", "samples");
        }
    }

    public static string[] CostsJsonlLines() =>
        File.ReadAllLines(Path.Combine(Folder, "costs.jsonl")).Where(l => l.Trim().Length > 0).ToArray();
}
