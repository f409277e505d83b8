using Iced.Intel;
using Xunit.Abstractions;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.Semantics.Sse;

/// <summary>One differential case family: a named snippet and how to fill its inputs.</summary>
public sealed record SseCase(string Name, Action<Assembler> Body, Lanes Lanes = Lanes.Mixed, Tweak? Tweak = null, bool Fninit = false, NativeFixup? Fixup = null);

/// <summary>Helpers to list register and memory forms of an instruction, and to run a list.</summary>
public static class SseCases
{
    public delegate void RegForm(Assembler a, AssemblerRegisterXMM d, AssemblerRegisterXMM s);
    public delegate void MemForm(Assembler a, AssemblerRegisterXMM d, AssemblerMemoryOperand m);

    /// <summary>reg-reg (distinct and same register), aligned m128 at rsi, and (for smaller
    /// operands) an unaligned memory operand at rdi.</summary>
    public static IEnumerable<SseCase> Forms(string name, RegForm reg, MemForm? mem, Lanes lanes = Lanes.Mixed, int memSize = 16)
    {
        yield return new SseCase(name + " xmm1,xmm2", a => reg(a, xmm1, xmm2), lanes);
        yield return new SseCase(name + " xmm9,xmm9", a => reg(a, xmm9, xmm9), lanes);
        yield return new SseCase(name + " xmm0,xmm15", a => reg(a, xmm0, xmm15), lanes);
        if (mem == null) yield break;
        var m = memSize switch
        {
            16 => __xmmword_ptr[rsi + 16],
            8 => __qword_ptr[rdi + 8],
            4 => __dword_ptr[rdi + 4],
            2 => __word_ptr[rdi + 2],
            _ => __byte_ptr[rdi + 1],
        };
        yield return new SseCase(name + " xmm3,mem", a => mem(a, xmm3, m), lanes);
    }

    /// <summary>Runs every case and reports all failing ones together.</summary>
    public static void RunAll(IEnumerable<SseCase> cases, int perCase, ITestOutputHelper? log = null)
    {
        var errors = new List<string>();
        int total = 0, families = 0;
        foreach (var c in cases)
        {
            families++;
            try { total += SseDiff.Check(c.Name, c.Body, perCase, c.Lanes, tweak: c.Tweak, fninit: c.Fninit, fixup: c.Fixup); }
            catch (Exception e) { errors.Add(e.Message); }
        }
        log?.WriteLine($"{families} snippets, {total} cases");
        if (errors.Count > 0)
            throw new Xunit.Sdk.XunitException($"{errors.Count} of {families} snippets differ:\n" + string.Join("\n", errors));
    }
}
