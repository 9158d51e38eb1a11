namespace Gasometer.Demo;

/// <summary>
/// A model's list prices in nano-dollars per token (USD per million tokens times 1,000), so a
/// simulated running total is exactly the tokens times the prices, with no rounding anywhere.
/// Cache writes are priced at the 5-minute rate, the one Claude Code uses by default.
/// </summary>
public sealed record ModelPrice(string Model, long InputNanos, long OutputNanos, long CacheWriteNanos, long CacheReadNanos)
{
    public static readonly ModelPrice Opus = new("claude-opus-4-6", 5_000, 25_000, 6_250, 500);
    public static readonly ModelPrice Sonnet = new("claude-sonnet-4-5", 3_000, 15_000, 3_750, 300);
    public static readonly ModelPrice Haiku = new("claude-haiku-4-5", 1_000, 5_000, 1_250, 100);

    public long CostNanos(long input, long output, long cacheRead, long cacheCreate) =>
        input * InputNanos + output * OutputNanos + cacheRead * CacheReadNanos + cacheCreate * CacheWriteNanos;
}

/// <summary>How a role spends its day: resident agents hand off, polecats take one task per session, crew follow their human.</summary>
public enum Rhythm { Resident, Polecat, Crew }

/// <summary>
/// How one Gas Town role behaves: which models it runs, how large its primed context is, how many
/// API calls an assistant turn makes and how fast its context grows (cache reads dominate because
/// every call re-reads the whole context), and when it hands off.
/// </summary>
public sealed record RoleProfile(
    string Role,
    Rhythm Rhythm,
    (ModelPrice Model, double Weight)[] Models,
    int PrimeTokens,
    double CallsPerTurn,
    int GrowthPerCallMin,
    int GrowthPerCallMax,
    int OutputPerCallMin,
    int OutputPerCallMax,
    int ContextLimit,
    double TurnGapMinutes,
    double NightFloor,
    double RunHoursMin,
    double RunHoursMax,
    double SpikeChance)
{
    /// <summary>The largest uncached input and output a run's first turn may have.</summary>
    public const int FirstTurnMaxInput = 60;
    public const int FirstTurnMaxOutput = 600;

    /// <summary>
    /// The most a run's first snapshot can cost on any of the role's models. Every simulated run ends
    /// above it, so a new run in a reused session always starts below the previous run's last value
    /// and the server sees exactly the restarts the simulator made.
    /// </summary>
    public long FirstTurnCapNanos => Models.Max(m => m.Model.CostNanos(FirstTurnMaxInput, FirstTurnMaxOutput, 0, PrimeTokens));

    public static readonly RoleProfile Mayor = new("mayor", Rhythm.Resident, [(ModelPrice.Opus, 1)],
        PrimeTokens: 24_000, CallsPerTurn: 4, GrowthPerCallMin: 600, GrowthPerCallMax: 2_400, OutputPerCallMin: 150, OutputPerCallMax: 700,
        ContextLimit: 170_000, TurnGapMinutes: 6, NightFloor: 0.04, RunHoursMin: 2, RunHoursMax: 5, SpikeChance: 0.01);

    public static readonly RoleProfile Deacon = new("deacon", Rhythm.Resident, [(ModelPrice.Sonnet, 1)],
        PrimeTokens: 16_000, CallsPerTurn: 3, GrowthPerCallMin: 300, GrowthPerCallMax: 1_200, OutputPerCallMin: 80, OutputPerCallMax: 400,
        ContextLimit: 140_000, TurnGapMinutes: 9, NightFloor: 0.3, RunHoursMin: 3, RunHoursMax: 6, SpikeChance: 0.005);

    public static readonly RoleProfile Witness = new("witness", Rhythm.Resident, [(ModelPrice.Haiku, 1)],
        PrimeTokens: 12_000, CallsPerTurn: 3, GrowthPerCallMin: 300, GrowthPerCallMax: 1_500, OutputPerCallMin: 60, OutputPerCallMax: 300,
        ContextLimit: 120_000, TurnGapMinutes: 8, NightFloor: 0.25, RunHoursMin: 2, RunHoursMax: 4, SpikeChance: 0.003);

    public static readonly RoleProfile Refinery = new("refinery", Rhythm.Resident, [(ModelPrice.Sonnet, 1)],
        PrimeTokens: 14_000, CallsPerTurn: 5, GrowthPerCallMin: 400, GrowthPerCallMax: 2_000, OutputPerCallMin: 80, OutputPerCallMax: 350,
        ContextLimit: 130_000, TurnGapMinutes: 12, NightFloor: 0.05, RunHoursMin: 2, RunHoursMax: 5, SpikeChance: 0.005);

    public static readonly RoleProfile Polecat = new("polecat", Rhythm.Polecat, [(ModelPrice.Sonnet, 0.85), (ModelPrice.Opus, 0.15)],
        PrimeTokens: 18_000, CallsPerTurn: 3, GrowthPerCallMin: 400, GrowthPerCallMax: 2_000, OutputPerCallMin: 120, OutputPerCallMax: 700,
        ContextLimit: 120_000, TurnGapMinutes: 3, NightFloor: 0.03, RunHoursMin: 0, RunHoursMax: 0, SpikeChance: 0.003);

    public static readonly RoleProfile Crew = new("crew", Rhythm.Crew, [(ModelPrice.Opus, 0.6), (ModelPrice.Sonnet, 0.4)],
        PrimeTokens: 20_000, CallsPerTurn: 4, GrowthPerCallMin: 500, GrowthPerCallMax: 2_500, OutputPerCallMin: 150, OutputPerCallMax: 900,
        ContextLimit: 160_000, TurnGapMinutes: 6, NightFloor: 0.0, RunHoursMin: 1, RunHoursMax: 3, SpikeChance: 0.01);
}

/// <summary>
/// One place in the town where sessions run: the mayor's seat, a rig's witness, one polecat slot.
/// A polecat slot cycles through its own few names, so its session ids repeat across restarts but
/// never collide with another slot's running session.
/// </summary>
public sealed record AgentSlot(string Key, RoleProfile Profile, string? Rig, string[] SessionIds, string?[] Workers);

/// <summary>
/// The roster of a simulated Gas Town: the mayor and the deacon, then per rig a witness, a
/// refinery, 2 to 8 polecat slots and some crew. Rig number r depends only on the seed and r, so a
/// fleet of 5 rigs is the first 5 rigs of a fleet of 10.
/// </summary>
public sealed class Fleet
{
    public const int MaxRigs = 100;

    static readonly (string Name, string Prefix)[] RigNames =
    [
        ("quarry", "qy"), ("orchard", "oc"), ("gasometer", "gm"), ("careers", "ca"), ("doccompare", "dc"),
        ("foundry", "fd"), ("lighthouse", "lh"), ("harbor", "hb"), ("tannery", "tn"), ("sawmill", "sm"),
        ("kiln", "kn"), ("brewery", "bw"), ("ropewalk", "rw"), ("smithy", "sy"), ("granary", "gr"),
        ("cannery", "cn"), ("millpond", "mp"), ("ironworks", "iw"), ("pottery", "pt"), ("weir", "wr"),
    ];

    static readonly string[] PolecatNames =
    [
        "furiosa", "nux", "slit", "capable", "toast", "dag", "cheedo", "ace", "rictus", "morsov",
        "keeper", "valkyrie", "obsidian", "jasper", "onyx", "garnet", "quartz", "topaz", "basalt", "flint",
        "agate", "cinder", "slate", "amber", "pumice", "shale", "jet", "mica",
    ];

    static readonly string[] CrewNames = ["maple", "csauer", "birch", "hazel", "rowan", "alder", "willow", "juniper"];

    public Fleet(int rigs, ulong seed)
    {
        if (rigs is < 1 or > MaxRigs) throw new ArgumentOutOfRangeException(nameof(rigs), $"must be from 1 to {MaxRigs}");
        Rigs = rigs;
        var slots = new List<AgentSlot>
        {
            new("hq/mayor", RoleProfile.Mayor, null, ["hq-mayor"], ["mayor"]),
            new("hq/deacon", RoleProfile.Deacon, null, ["hq-deacon"], ["deacon"]),
        };
        for (int r = 0; r < rigs; r++)
        {
            var (rig, prefix) = r < RigNames.Length ? RigNames[r] : ($"rig{r + 1}", $"r{r + 1}");
            var random = new SimulationRandom(SimulationRandom.Mix(seed, SimulationRandom.Hash("rig/" + prefix)));
            slots.Add(new($"{prefix}/witness", RoleProfile.Witness, rig, [$"{prefix}-witness"], [null]));
            slots.Add(new($"{prefix}/refinery", RoleProfile.Refinery, rig, [$"{prefix}-refinery"], [null]));

            int polecats = random.Next(2, 9);
            var names = random.Shuffle(PolecatNames);
            for (int k = 0; k < polecats; k++)
            {
                // Three names per slot: drawn from a pool the slot owns, so sessions ids come back.
                string[] own = [names[k], names[k + polecats], names[k + 2 * polecats]];
                slots.Add(new($"{prefix}/polecat/{k}", RoleProfile.Polecat, rig,
                    own.Select(n => $"{prefix}-{n}").ToArray(), own));
            }

            int crew = random.Next(r == 0 ? 1 : 0, 3);
            var crewNames = random.Shuffle(CrewNames);
            for (int k = 0; k < crew; k++)
                slots.Add(new($"{prefix}/crew/{crewNames[k]}", RoleProfile.Crew, rig, [$"{prefix}-crew-{crewNames[k]}"], [crewNames[k]]));
        }
        Slots = slots;
    }

    public int Rigs { get; }

    public IReadOnlyList<AgentSlot> Slots { get; }
}
