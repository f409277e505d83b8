using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.IlBackend;

/// <summary>A region that uses more general registers than it keeps in locals keeps the least used in the
/// state (<c>RegionCompiler.ColdRegisters</c>): every way of reading and writing one must act on the state.</summary>
public unsafe partial class TierAgreementTests
{
    /// <summary>A loop (4000 iterations, so that the auto tier promotes it) that names all sixteen registers: the hot ones many times, the cold ones once or
    /// twice each, through 8-, 16- and high-byte writes, a 32-bit write, cqo (RDX), leave (RBP), bsf, push
    /// and pop, and a memory operand based on one. Then, with <paramref name="fault"/>, the loop's last
    /// iteration stores through a cold register to an unmapped page: the fault sees the cold registers the
    /// region wrote, and the flags an instruction after the store reads. Registers, flags and memory agree
    /// with the interpreter.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ColdRegistersLiveInTheState(bool fault)
    {
        Action<Assembler> body = asm =>
        {
            var loop = asm.CreateLabel();
            var skip = asm.CreateLabel();
            asm.mov(r15, GuestCode.DataAddress);
            asm.mov(ecx, 4000);
            asm.xor(eax, eax);
            asm.mov(r8d, 3);
            asm.mov(r9d, 5);
            asm.mov(r10d, 7);
            asm.Label(ref loop);
            // hot: rax, rcx, r8, r9, r10, r15 (and rsp)
            asm.add(rax, r8);
            asm.imul(r8, r9);
            asm.xor(r9, rax);
            asm.add(r10, r9);
            asm.ror(r10, 3);
            asm.add(rax, r10);
            asm.mov(__qword_ptr[r15 + 8], rax);
            asm.add(r8, __qword_ptr[r15 + 8]);
            asm.xor(r9, r8);
            asm.sub(r10, rax);
            // cold, each a different way
            asm.mov(bl, al);
            asm.mov(si, r9w);
            asm.mov(dh, cl);
            asm.mov(edi, r10d);
            asm.push(rbp);
            asm.mov(rbp, rsp);
            asm.push(r11);
            asm.pop(r12);
            asm.leave();
            asm.bsf(r13, r8);
            asm.movzx(r14d, cl);
            asm.lea(r14, __[r15 + r14 * 8]);
            asm.mov(__qword_ptr[r14 + 64], rbx);
            asm.add(r11, rsi);
            asm.add(r11, rdi);
            asm.cmp(ecx, 1);
            asm.jne(skip);
            if (fault) asm.mov(r14, GuestCode.DataAddress + GuestCode.DataSize + 0x100000);
            asm.mov(__qword_ptr[r14], r12);
            // Reads the cmp's carry, so its flags are live at the store and exact when it faults (the IL
            // tier stores no flags nothing reads: docs/ARCHITECTURE.md, "Precise state").
            asm.adc(r11, 0);
            asm.Label(ref skip);
            asm.push(rax);
            asm.cqo();
            asm.pop(rax);
            asm.dec(ecx);
            asm.jnz(loop);
        };
        string State(Cpu c)
        {
            var data = new byte[4096];
            GuestMemory.ReadBytes(GuestCode.DataAddress, data);
            return string.Join(" ", RegistersAndFlags(c).Select(v => v.ToString("x"))) + $" rip={c.S->Rip:x} {GuestCode.LastOutcome.Signal} "
                + Convert.ToHexString(data);
        }
        var interp = State(GuestCode.Run(body, null, Tier.Interp));
        if (fault) Assert.Equal(Signals.SIGSEGV, GuestCode.LastOutcome.Signal);
        Assert.Equal(interp, State(GuestCode.Run(body, null, Tier.Jit)));
        Assert.Equal(interp, State(GuestCode.Run(body, null, Tier.Auto)));
    }
}
