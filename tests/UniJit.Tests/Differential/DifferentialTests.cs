using UniJit.Runtime.Dispatch;
using UniJit.Tests.Support;
using Xunit.Abstractions;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.Differential;

/// <summary>
/// Instruction semantics against the host CPU: every group of generated snippets runs natively and
/// in UniJit (each tier) from the same registers, flags and scratch memory; all 16 registers, the
/// architecturally defined flags and the scratch area must come out identical. Seeded and
/// reproducible: the seed is in every failure (UNIJIT_DIFF_SEED picks another).
/// </summary>
[Collection("Guest")]
public class DifferentialTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Cases =>
        from g in DiffGroups.All.Keys
        from t in new[] { "interp", "jit" }
        select new object[] { g, t };

    [Theory, MemberData(nameof(Cases))]
    public void MatchesHostCpu(string group, string tier)
    {
        var result = DiffRunner.Run(group, tier == "jit" ? Tier.Jit : Tier.Interp);
        output.WriteLine($"{group}: {result.Cases} cases, {result.Failures.Count} differ, {result.AllFlagsCompared} with all six arithmetic flags compared (seed {DiffRunner.SeedFor(group)}; host {DiffGroups.HostFeatures})");
        Assert.True(result.Cases >= 100, $"{group} generated only {result.Cases} cases");
        if (result.Failures.Count == 0) return;
        var summary = string.Join("\n", result.FailuresByKind.OrderByDescending(kv => kv.Value).Select(kv => $"  {kv.Value,5} × {kv.Key}"));
        Assert.Fail($"{group} ({tier}): {result.Failures.Count} of {result.Cases} cases differ from the host CPU\n{summary}\n\n" +
                    string.Join("\n", result.Failures.Take(12)));
    }

    /// <summary>The native half of the harness itself: a snippet's effects arrive intact (registers in,
    /// registers out, memory written, flags through popfq/pushfq).</summary>
    [Fact]
    public void NativeHarnessRoundTrips()
    {
        var g = new CaseGen(1);
        var input = g.State();
        input.Rflags = 0x202 | FlagInfo.CF | FlagInfo.ZF;
        var code = CaseGen.Assemble(a =>
        {
            a.mov(__qword_ptr[CaseGen.Data + 8], r15);
            a.xchg(rax, rbx);
        });
        var result = NativeCpu.Run(code, input);
        Assert.Equal(input.Gpr[3], result.Gpr[0]);
        Assert.Equal(input.Gpr[0], result.Gpr[3]);
        for (int r = 1; r < 16; r++) if (r != 3) Assert.Equal(input.Gpr[r], result.Gpr[r]);
        Assert.Equal(input.Gpr[15], BitConverter.ToUInt64(result.Data, 8));
        Assert.Equal(input.Rflags & FlagInfo.Compared, result.Rflags & FlagInfo.Compared);
        Assert.Equal(input.Data[0x10..CaseGen.DataUsed], result.Data[0x10..CaseGen.DataUsed]);
    }

    /// <summary>The comparison sees a difference in any register, in a compared flag and in memory,
    /// and ignores flags outside the mask.</summary>
    [Fact]
    public void ComparisonDetectsEveryKindOfDifference()
    {
        var g = new CaseGen(3);
        var a = g.State();
        a.Data = new byte[GuestCode.DataSize];
        Assert.Null(DiffRunner.Compare(a, a.Clone(), FlagInfo.Compared, a));
        for (int r = 0; r < 16; r++)
        {
            var b = a.Clone(); b.Gpr[r] ^= 1UL << r * 4;
            Assert.Contains(MachineState.Names[r] + ":", DiffRunner.Compare(a, b, FlagInfo.Compared, a));
        }
        var f = a.Clone(); f.Rflags ^= FlagInfo.AF;
        Assert.Contains("rflags", DiffRunner.Compare(a, f, FlagInfo.Compared, a));
        Assert.Null(DiffRunner.Compare(a, f, FlagInfo.Compared & ~FlagInfo.AF, a));
        var m = a.Clone(); m.Data[0xFFFF] ^= 0x80;
        Assert.Contains("data[0x7100ffff]", DiffRunner.Compare(a, m, FlagInfo.Compared, a));
    }

    /// <summary>Every group produces cases, and the generic generator covers each requested encoding.</summary>
    [Fact]
    public void GeneratorsCoverTheirEncodings()
    {
        var g = new CaseGen(2);
        var missing = new List<string>();
        foreach (var code in InstructionGen.CodesOf(Iced.Intel.Mnemonic.Add, Iced.Intel.Mnemonic.Shld, Iced.Intel.Mnemonic.Bt,
                     Iced.Intel.Mnemonic.Div, Iced.Intel.Mnemonic.Imul, Iced.Intel.Mnemonic.Cmpxchg, Iced.Intel.Mnemonic.Movsx))
            if (InstructionGen.Draw(g, code) == null) missing.Add(code.ToString());
        Assert.True(missing.Count == 0, "no case drawn for " + string.Join(", ", missing));
    }
}
