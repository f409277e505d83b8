using Iced.Intel;
using UniJit.IlBackend.Analysis;
using UniJit.IlBackend.Emit;
using UniJit.Runtime.Dispatch;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.IlBackend;

/// <summary>Which registers a region naming more than eight keeps in the state (<see cref="RegionCompiler.ColdRegisters"/>):
/// a use inside a loop runs once per iteration, so registers a loop uses stay in locals even when straight-line
/// code around it names others more often.</summary>
[Collection("Guest")]
public class ColdRegisterTests
{
    [Fact]
    public void RegistersALoopUsesStayInLocals()
    {
        var asm = new Assembler(64);
        var loop = asm.CreateLabel();
        // Straight-line code naming rbx, rsi and r8..r15 four times each (rbx more).
        foreach (var r in new[] { rbx, rsi, r8, r9, r10, r11, r12, r13, r14, r15 })
        {
            asm.add(r, 1);
            asm.xor(r, rbx);
            asm.sub(r, 2);
            asm.or(r, 4);
        }
        asm.mov(ecx, 100);
        asm.Label(ref loop);
        // The loop names rax, rcx, rdx and rdi, once or twice each: counted alike, those would be in the state.
        asm.add(rax, rdx);
        asm.xor(rdi, rax);
        asm.dec(rcx);
        asm.jnz(loop);
        asm.mov(eax, 60);
        asm.syscall();
        var stream = new MemoryStream();
        asm.Assemble(new StreamCodeWriter(stream), GuestCode.CodeAddress);
        var process = GuestCode.Load(stream.ToArray(), Tier.Jit);
        var region = RegionBuilder.Build(process.Blocks, process.Blocks.Decode(GuestCode.CodeAddress), executedOnly: false, RegionBuilder.Small);
        Assert.Contains(region.Blocks, b => b.Start > GuestCode.CodeAddress && b.Insns[^1].Mnemonic == Mnemonic.Jne);

        int cold = RegionCompiler.ColdRegisters(region, 0xFFFF & ~(1 << 5)); // all but rbp

        Assert.Equal(15 - 8, System.Numerics.BitOperations.PopCount((uint)cold));
        foreach (var r in new[] { Register.RAX, Register.RCX, Register.RDX, Register.RDI, Register.RSP })
            Assert.True((cold & (1 << (r - Register.RAX))) == 0, $"{r} is in the state");
    }
}
