using UniJit.IlBackend.Analysis;

namespace UniJit.Tests.IlBackend;

public sealed class AddressMapTests
{
    /// <summary>The region compiler's table against a Dictionary: random keys (0 and colliding ones
    /// included), overwrites, growth, lookups of keys never added.</summary>
    [Fact]
    public void BehavesAsADictionary()
    {
        var rng = new Random(11);
        var map = new AddressMap<int>(2);
        var model = new Dictionary<ulong, int>();
        for (int n = 0; n < 20000; n++)
        {
            ulong k = rng.Next(4) switch
            {
                0 => (ulong)rng.Next(64),
                1 => (ulong)rng.Next(64) << 40,
                2 => (ulong)rng.NextInt64(),
                _ => 0x400000UL + (ulong)rng.Next(4096) * 16,
            };
            switch (rng.Next(4))
            {
                case 0: map[k] = n; model[k] = n; break;
                case 1: Assert.Equal(model.TryAdd(k, n), map.TryAdd(k, n)); break;
                case 2: Assert.Equal(model.ContainsKey(k), map.ContainsKey(k)); break;
                default:
                    Assert.Equal(model.TryGetValue(k, out var v), map.TryGetValue(k, out var w));
                    Assert.Equal(v, w);
                    Assert.Equal(model.GetValueOrDefault(k, -1), map.GetValueOrDefault(k, -1));
                    break;
            }
            Assert.Equal(model.Count, map.Count);
        }
        foreach (var (k, v) in model) Assert.Equal(v, map[k]);
        Assert.Throws<KeyNotFoundException>(() => map[0xDEAD_BEEF_0000_0001]);
    }

    [Fact]
    public void SetAddsEachKeyOnce()
    {
        var set = new AddressSet(1);
        var model = new HashSet<ulong>();
        var rng = new Random(5);
        for (int n = 0; n < 5000; n++)
        {
            ulong k = (ulong)rng.Next(3000) * 0x1000;
            Assert.Equal(model.Add(k), set.Add(k));
            Assert.True(set.Contains(k));
        }
        Assert.Equal(model.Count, set.Count);
        Assert.False(set.Contains(1));
    }
}
