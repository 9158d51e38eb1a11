namespace Gasometer.Demo;

/// <summary>
/// The simulator's own pseudo-random source (SplitMix64): tiny, fast, and the same numbers on every
/// runtime and machine, so a seed names one fleet forever. Seeds for an agent's day are derived by
/// mixing, never by string.GetHashCode (randomized per process).
/// </summary>
public sealed class SimulationRandom(ulong seed)
{
    ulong state = seed;

    public ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15UL;
        return Finish(state);
    }

    static ulong Finish(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [min, max).</summary>
    public int Next(int min, int max) => min + (int)(NextUInt64() % (ulong)(max - min));

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Exponentially distributed with the given mean: waiting times of a Poisson process.</summary>
    public double Exponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    public T Pick<T>((T Item, double Weight)[] weighted)
    {
        double total = weighted.Sum(w => w.Weight), x = NextDouble() * total;
        foreach (var (item, weight) in weighted)
        {
            if (x < weight) return item;
            x -= weight;
        }
        return weighted[^1].Item;
    }

    public T[] Shuffle<T>(IReadOnlyList<T> items)
    {
        var copy = items.ToArray();
        for (int i = copy.Length - 1; i > 0; i--)
        {
            int j = Next(0, i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy;
    }

    public static ulong Mix(ulong a, ulong b) => Finish(a * 0x9E3779B97F4A7C15UL + Finish(b + 0x632BE59BD9B4E019UL));

    /// <summary>FNV-1a: a stable hash of a slot's key.</summary>
    public static ulong Hash(string text)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in text) h = (h ^ c) * 0x100000001B3UL;
        return h;
    }
}
