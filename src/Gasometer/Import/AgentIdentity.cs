namespace Gasometer.Import;

/// <summary>Who a transcript session was: Gas Town role, rig and worker.</summary>
public sealed record AgentIdentity(string Role, string? Rig, string? Worker)
{
    public const string UnknownRole = "unknown";

    /// <summary>
    /// Reads Gas Town's workdir layout from a session's cwd (the project folder name under
    /// ~/.claude/projects is a lossy encoding of it, so the cwd itself is used):
    /// <c>&lt;town&gt;/&lt;rig&gt;/polecats/&lt;name&gt;/…</c> a polecat, <c>&lt;town&gt;/&lt;rig&gt;/crew/&lt;name&gt;/…</c> crew,
    /// <c>&lt;town&gt;/&lt;rig&gt;/witness</c>, <c>&lt;town&gt;/&lt;rig&gt;/refinery</c>, <c>&lt;town&gt;/mayor</c>, <c>&lt;town&gt;/deacon</c>.
    /// Anything else is role "unknown" with the project's folder name as its rig. The layout is read
    /// from the top down, so a repository that happens to contain a "crew" folder is not mistaken for one.
    /// </summary>
    public static AgentIdentity FromCwd(string? cwd, string projectFolder)
    {
        if (string.IsNullOrWhiteSpace(cwd)) return new(UnknownRole, projectFolder, null);
        var parts = cwd.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            switch (parts[i])
            {
                case "polecats" when i >= 2 && i + 1 < parts.Length:
                    return new("polecat", parts[i - 1], parts[i + 1]);
                case "crew" when i >= 2 && i + 1 < parts.Length:
                    return new("crew", parts[i - 1], parts[i + 1]);
                case "witness" when i >= 2:
                    return new("witness", parts[i - 1], null);
                case "refinery" when i >= 2:
                    return new("refinery", parts[i - 1], null);
                case "mayor" when i >= 1 && i + 1 >= parts.Length - 1:
                    return new("mayor", null, "mayor");
                case "deacon" when i >= 1 && i + 1 >= parts.Length - 1:
                    return new("deacon", null, "deacon");
            }
        }
        return new(UnknownRole, parts.Length > 0 ? parts[^1] : projectFolder, null);
    }
}
