using UniJit.IlBackend.Persist;
using Xunit;

namespace UniJit.Tests.IlBackend;

/// <summary>A built layer's index read lazily (<see cref="RecipeIndex"/>): every field comes back as
/// written, whichever recipe is asked for first, and a cut or damaged file is refused as a whole.</summary>
public sealed class RecipeIndexTests : IDisposable
{
    readonly string path = Path.Combine(Path.GetTempPath(), $"unijit-index-test-{Environment.ProcessId}-{Guid.NewGuid():N}.index");

    public void Dispose() => File.Delete(path);

    static List<RegionRecipe> Sample()
    {
        var rng = new Random(11);
        var list = new List<RegionRecipe>();
        for (int m = 0; m < 40; m++)
        {
            int blocks = 1 + rng.Next(5);
            var r = new RegionRecipe
            {
                Starts = Enumerable.Range(0, blocks).Select(i => 0x401000UL + (ulong)(m * 0x100 + i * 0x10)).ToArray(),
                Bytes = Enumerable.Range(0, blocks).Select(i => Enumerable.Range(0, 1 + rng.Next(30)).Select(b => (byte)rng.Next(256)).ToArray()).ToArray(),
            };
            r.Entries = r.Starts.Take(1 + rng.Next(blocks)).ToArray();
            r.Fallbacks = Enumerable.Range(0, rng.Next(4)).Select(i => r.Starts[0] + (ulong)i).ToArray();
            r.Links = rng.Next(20);
            r.Instructions = rng.Next(500);
            list.Add(r);
        }
        return list;
    }

    [Fact]
    public void ReadsBackWhatWasWritten()
    {
        var written = Sample();
        RegionRecipe.Write(path, written, built: true);
        var index = RegionRecipe.ReadIndex(path);
        Assert.Equal(written.Count, index.Count);
        // Out of order: each recipe is parsed from its own offset.
        foreach (int m in Enumerable.Range(0, written.Count).Reverse())
        {
            var (w, r) = (written[m], index[m]);
            Assert.Equal(w.Entries, index.Entries[m]);
            Assert.Equal(w.Starts, r.Starts);
            Assert.Equal(w.Bytes.Length, r.Bytes.Length);
            for (int i = 0; i < w.Bytes.Length; i++) Assert.Equal(w.Bytes[i], r.Bytes[i]);
            Assert.Equal(w.Entries, r.Entries);
            Assert.Equal(w.Fallbacks, r.Fallbacks);
            Assert.Equal(w.Links, r.Links);
            Assert.Equal(w.Instructions, r.Instructions);
            Assert.Same(r, index[m]);
        }
    }

    [Fact]
    public void ACutFileIsRefused()
    {
        RegionRecipe.Write(path, Sample(), built: true);
        var whole = File.ReadAllBytes(path);
        for (int len = 0; len < whole.Length; len += 1 + len / 8)
        {
            File.WriteAllBytes(path, whole[..len]);
            Assert.Throws<InvalidDataException>(() => RegionRecipe.ReadIndex(path));
        }
        // A recipe file (not built) is not an index.
        RegionRecipe.Write(path, Sample(), built: false);
        Assert.Throws<InvalidDataException>(() => RegionRecipe.ReadIndex(path));
    }
}
