using UniJit.Runtime.Dispatch;
using Xunit;

namespace UniJit.Tests.Dispatch;

public class BlockTableTests
{
    static Block At(ulong rip) => new(rip, []);

    /// <summary>Random sets, replacements and removals, checked after each step against a dictionary:
    /// addresses drawn from a small range collide and probe over removed entries, and enough go in for
    /// the table to be rebuilt several times.</summary>
    [Fact]
    public void AgreesWithADictionary()
    {
        var rng = new Random(7);
        var table = new BlockTable();
        var model = new Dictionary<ulong, Block>();
        for (int step = 0; step < 60_000; step++)
        {
            ulong rip = 0x400000 + (ulong)rng.Next(step < 30_000 ? 20_000 : 3_000) * 4;
            switch (rng.Next(3))
            {
                case 0:
                case 1:
                    var b = At(rip);
                    table.Set(b);
                    model[rip] = b;
                    break;
                default:
                    if (model.Remove(rip, out var old)) table.Remove(old);
                    else table.Remove(At(rip)); // not in the table: nothing changes
                    break;
            }
            ulong probe = 0x400000 + (ulong)rng.Next(20_000) * 4;
            Assert.Equal(model.TryGetValue(probe, out var want), table.TryGet(probe, out var got));
            if (want != null) Assert.Same(want, got);
        }
        Assert.Equal(model.Count, table.Count);
        Assert.Equal(model.Values.OrderBy(b => b.Start), table.All().OrderBy(b => b.Start));
    }

    /// <summary>A block replaced at its address leaves the table only with a removal of the new one.</summary>
    [Fact]
    public void RemovingAReplacedBlockKeepsItsSuccessor()
    {
        var table = new BlockTable();
        Block first = At(0x1000), second = At(0x1000);
        table.Set(first);
        table.Set(second);
        table.Remove(first);
        Assert.True(table.TryGet(0x1000, out var b));
        Assert.Same(second, b);
        table.Remove(second);
        Assert.False(table.TryGet(0x1000, out _));
        Assert.Equal(0, table.Count);
    }

    /// <summary>Readers without a lock while one writer adds and removes (the table rebuilt under them):
    /// a block found is always the one for the address asked, and one never removed is always found.</summary>
    [Fact]
    public void ReadersSeeWholeEntriesWhileItGrows()
    {
        var table = new BlockTable();
        var keep = At(0x7000);
        table.Set(keep);
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var rng = new Random(r);
            long checks = 0;
            while (!stop.IsCancellationRequested || checks < 10_000)
            {
                ulong rip = 0x10000 + (ulong)rng.Next(200_000) * 8;
                if (table.TryGet(rip, out var b)) Assert.Equal(rip, b.Start);
                Assert.True(table.TryGet(0x7000, out var k));
                Assert.Same(keep, k);
                checks++;
            }
        })).ToArray();
        var live = new List<Block>();
        var wrng = new Random(3);
        for (int i = 0; i < 200_000; i++)
        {
            var b = At(0x10000 + (ulong)i * 8);
            table.Set(b);
            live.Add(b);
            if (wrng.Next(3) == 0) { int k = wrng.Next(live.Count); table.Remove(live[k]); live[k] = live[^1]; live.RemoveAt(live.Count - 1); }
        }
        stop.Cancel();
        Task.WaitAll(readers);
        Assert.Equal(live.Count + 1, table.Count);
    }
}
