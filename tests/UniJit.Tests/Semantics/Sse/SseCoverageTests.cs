using Iced.Intel;
using UniJit.Runtime.Interpreter;
using Xunit.Abstractions;

namespace UniJit.Tests.Semantics.Sse;

/// <summary>Which SSE-family encodings have handlers: per CPUID group (as Iced classifies them),
/// and every SSE-family instruction in the host's libc (glibc's string routines are the first users).</summary>
public sealed class SseCoverageTests(ITestOutputHelper log)
{
    static readonly CpuidFeature[] groups = [CpuidFeature.SSE, CpuidFeature.SSE2, CpuidFeature.SSE3, CpuidFeature.SSSE3,
        CpuidFeature.SSE4_1, CpuidFeature.SSE4_2];

    /// <summary>Legacy (non-VEX/EVEX) codes of a group that are not MMX-register forms.</summary>
    static IEnumerable<Code> Codes(CpuidFeature g) =>
        Enum.GetValues<Code>().Where(c => c != Code.INVALID && c.Encoding() == EncodingKind.Legacy && c.CpuidFeatures().Contains(g)
            && !c.ToString().Contains("_mm") && !c.ToString().StartsWith("Movq2dq") && !c.ToString().StartsWith("Movdq2q")
            && !c.ToString().Contains("mmm64"));

    [Fact]
    public void EveryXmmEncodingOfTheGroupsHasAHandler()
    {
        var missing = new List<string>();
        foreach (var g in groups)
        {
            var m = Codes(g).Where(c => !HandlerTable.IsImplemented(c)).Select(c => c.ToString()).ToList();
            log.WriteLine($"{g}: {Codes(g).Count()} encodings, missing: {string.Join(" ", m)}");
            missing.AddRange(m);
        }
        // Not ours: monitor/mwait (SSE3, privileged) are the only tolerated gaps.
        missing.RemoveAll(s => s.StartsWith("Monitor") || s.StartsWith("Mwait"));
        Assert.True(missing.Count == 0, "no handler: " + string.Join(" ", missing));
    }

    [Fact]
    public void CpuidAdvertisesTheCompleteGroups()
    {
        uint ecx = UniJit.Runtime.State.Cpuid.Query(1, 0).c;
        Assert.Equal(1u, ecx & 1);              // SSE3
        Assert.Equal(1u, (ecx >> 9) & 1);       // SSSE3
        Assert.Equal(1u, (ecx >> 19) & 1);      // SSE4.1
        Assert.Equal(1u, (ecx >> 20) & 1);      // SSE4.2
        Assert.Equal(HandlerTable.IsImplemented(Code.Popcnt_r64_rm64) ? 1u : 0u, (ecx >> 23) & 1);
        Assert.Equal(0u, (ecx >> 28) & 1);      // no AVX
    }

    [Fact]
    public void HostLibcSseInstructionsHaveHandlers()
    {
        string? path = new[] { "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib64/libc.so.6" }.FirstOrDefault(File.Exists);
        if (path == null) { log.WriteLine("no host libc"); return; }
        var bytes = File.ReadAllBytes(path);
        // Decode the whole file linearly: data decodes as garbage, but real code dominates and
        // every encoding found is checked, so the report over-approximates.
        var dec = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(bytes));
        var seen = new Dictionary<Code, int>();
        while (dec.IP < (ulong)bytes.Length)
        {
            dec.Decode(out var ins);
            if (ins.Code == Code.INVALID || ins.Encoding != EncodingKind.Legacy) continue;
            var f = ins.Code.CpuidFeatures();
            if (!f.Any(x => groups.Contains(x))) continue;
            seen[ins.Code] = seen.GetValueOrDefault(ins.Code) + 1;
        }
        var missing = seen.Where(kv => !HandlerTable.IsImplemented(kv.Key)).OrderByDescending(kv => kv.Value).ToList();
        log.WriteLine($"{seen.Count} SSE-family encodings in {path}; without handler: " +
            string.Join(", ", missing.Select(kv => $"{kv.Key} x{kv.Value}")));
        Assert.DoesNotContain(missing, kv => kv.Value >= 20 && !kv.Key.ToString().Contains("mm_") && !kv.Key.ToString().Contains("mmm64"));
    }
}
