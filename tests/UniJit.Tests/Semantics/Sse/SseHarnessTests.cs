using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.Semantics.Sse;

/// <summary>Checks that the native runner really runs the snippet and round-trips the state
/// (a harness that compared nothing would pass every test).</summary>
[Collection("Guest")]
public sealed unsafe class SseHarnessTests
{
    [Fact]
    public void NativeRunnerExecutesSnippet()
    {
        NativeRunner.Prepare(a => { a.paddd(xmm1, xmm2); a.add(rax, rcx); a.movq(xmm15, rdi); });
        var m = NativeRunner.State;
        *m = default;
        m->Mxcsr = 0x1F80;
        m->Rflags = 0x202;
        var x1 = Vector128.Create(1, 2, 3, int.MaxValue);
        var x2 = Vector128.Create(10, 20, 30, 1);
        Vector128.Store(x1.AsByte(), m->Xmm + 16);
        Vector128.Store(x2.AsByte(), m->Xmm + 32);
        m->Gpr[0] = ulong.MaxValue; m->Gpr[1] = 1; m->Gpr[7] = 0x1234;
        NativeRunner.Run();
        Assert.Equal(Sse2.Add(x1, x2), Vector128.Load(m->Xmm + 16).AsInt32());
        Assert.Equal(0UL, m->Gpr[0]);
        Assert.Equal(0x1234UL, *(ulong*)(m->Xmm + 16 * 15));
        Assert.True((m->Rflags & 0x41) == 0x41, $"CF and ZF after the add: {m->Rflags:x}");
        Assert.Equal(0x1F80u, m->Mxcsr);
    }
}
