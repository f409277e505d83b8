using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.Semantics.Sse;

/// <summary>
/// SSE instructions inside IL-tier regions, mixed with translated integer code (some emitted inline,
/// some as handler calls): the general and XMM registers and flags they read and write (pcmpistri's
/// ECX, comisd's flags, cvttsd2si's destination, ...) must pass between the region's locals and the
/// CPU state. (Every SSE oracle case also runs in the IL tier against the CPU: SseDiff.Check.)
/// Each snippet runs in the interpreter and the JIT tier from the same random state; everything
/// must agree (the interpreter is checked against the CPU by the other SSE tests).
/// </summary>
[Collection("Guest")]
public sealed unsafe class SseTierTests
{
    static readonly (string Name, Action<Assembler> Body, Lanes Lanes)[] snippets =
    [
        ("pcmpistri + flags + ecx", a => { a.pcmpistri(xmm1, xmm2, 0x1A); a.setc(al); a.seto(dl); a.lea(r8, __[rcx + rcx]); a.cmovz(r9, r10); }, Lanes.Str),
        ("pcmpestri reads eax/edx", a => { a.mov(eax, 5); a.mov(edx, 9); a.pcmpestri(xmm1, xmm2, 0x0C); a.adc(rcx, rbx); }, Lanes.Str),
        ("pcmpistrm + ptest", a => { a.pcmpistrm(xmm3, xmm4, 0x40); a.ptest(xmm0, xmm5); a.setz(al); a.setc(ah); }, Lanes.Str),
        ("comisd + jcc-style setcc/cmov", a => { a.comisd(xmm1, xmm2); a.seta(al); a.setp(bl); a.cmovb(rsi, r12); a.sbb(r13, r14); }, Lanes.F64),
        ("ucomisd + every condition", a =>
        {
            a.ucomisd(xmm1, xmm2);
            a.seto(al); a.setno(bl); a.setb(cl); a.setae(dl); a.sete(sil); a.setne(dil); a.setbe(bpl); a.seta(r8b);
            a.sets(r9b); a.setns(r10b); a.setp(r11b); a.setnp(r12b); a.setl(r13b); a.setge(r14b); a.setle(r15b); a.cmovg(rax, rdx);
        }, Lanes.F64),
        ("comiss + jcc chains", a =>
        {
            var l = new Label[6];
            for (int k = 0; k < l.Length; k++) l[k] = a.CreateLabel();
            a.comiss(xmm6, xmm7);
            a.jp(l[0]); a.add(rax, 1); a.Label(ref l[0]);
            a.jb(l[1]); a.add(rax, 2); a.Label(ref l[1]);
            a.ja(l[2]); a.add(rax, 4); a.Label(ref l[2]);
            a.jle(l[3]); a.add(rax, 8); a.Label(ref l[3]);
            a.jne(l[4]); a.add(rax, 16); a.Label(ref l[4]);
            a.cmovbe(rcx, rdx); a.cmovnp(r8, r9);
            a.jge(l[5]); a.add(rax, 32); a.Label(ref l[5]);
        }, Lanes.F32),
        ("native: mulsd + ucomisd + every condition", a =>
        {
            a.mulsd(xmm3, xmm4); a.ucomisd(xmm1, xmm2);
            a.seto(al); a.setno(bl); a.setb(cl); a.setae(dl); a.sete(sil); a.setne(dil); a.setbe(bpl); a.seta(r8b);
            a.sets(r9b); a.setns(r10b); a.setp(r11b); a.setnp(r12b); a.setl(r13b); a.setge(r14b); a.setle(r15b); a.cmovg(rax, rdx);
        }, Lanes.F64),
        ("native: comisd flags read after a jump and a store", a =>
        {
            var l = a.CreateLabel();
            a.addsd(xmm3, xmm4); a.comisd(xmm1, xmm2); a.mov(__qword_ptr[rbx + 0x40], rax); a.setbe(al);
            a.jmp(l); a.Label(ref l); a.seta(cl); a.adc(rdx, 0);
        }, Lanes.F64),
        ("ucomiss after integer flags", a => { a.cmp(rax, rbx); a.ucomiss(xmm6, xmm7); a.setbe(cl); a.setne(dl); }, Lanes.F32),
        ("cvt round trip through GPRs", a => { a.cvttsd2si(rax, xmm1); a.add(rax, rdx); a.cvtsi2sd(xmm3, rax); a.cvtsd2si(r8d, xmm2); a.cvtsi2ss(xmm4, r8d); }, Lanes.F64),
        ("movq/movd/pextr/pinsr", a => { a.movq(rax, xmm1); a.xor(rax, rbx); a.movq(xmm2, rax); a.movd(ecx, xmm3); a.pinsrw(xmm4, ecx, 3); a.pextrb(edx, xmm5, 9); a.pinsrq(xmm6, rdx, 1); }, Lanes.Int),
        ("pmovmskb + bsf (strlen)", a => { a.pxor(xmm0, xmm0); a.pcmpeqb(xmm0, __xmmword_ptr[rsi]); a.pmovmskb(eax, xmm0); a.bsf(ecx, eax); a.setz(dl); }, Lanes.Str),
        ("crc32 chain with flags", a => { a.cmp(ecx, edx); a.crc32(eax, __dword_ptr[rdi]); a.crc32(rax, rbx); a.setl(cl); }, Lanes.Mixed),
        ("movmskpd + ldmxcsr/stmxcsr", a => { a.cmppd(xmm1, xmm2, 1); a.movmskpd(eax, xmm1); a.stmxcsr(__dword_ptr[rbx + 0x40]); a.addsd(xmm3, xmm4); a.stmxcsr(__dword_ptr[rbx + 0x44]); }, Lanes.F64),
        ("fxsave/fxrstor in a region", a => { a.fxsave64(__[rbx + 0x80]); a.paddq(xmm1, xmm2); a.fxrstor64(__[rbx + 0x80]); a.add(rax, 1); }, Lanes.Mixed),
        // Regions that run floating point natively chain into each other (an indirect call, its ret) with
        // the guest's MXCSR kept in the host and its flags still collecting (CpuState.FpHeld), and into
        // a function without floating point, which must collect the flags raised before it.
        ("native regions chained by call and ret", a =>
        {
            var top = a.CreateLabel();
            var fn = a.CreateLabel();
            var integer = a.CreateLabel();
            var done = a.CreateLabel();
            a.mov(ecx, 5);
            a.lea(r8, __[fn]);
            a.lea(r9, __[integer]);
            a.Label(ref top);
            a.mulsd(xmm3, xmm4);
            a.call(r8);
            a.addsd(xmm5, xmm3);
            a.stmxcsr(__dword_ptr[rbx + 0x40]);
            // In the last round only (the first raised flags outside any chain), 1 / 0: ZE, which
            // nothing else here raises, just before the call.
            var call = a.CreateLabel();
            a.cmp(ecx, 1);
            a.jne(call);
            a.mov(r10, 0x3FF0_0000_0000_0000);
            a.mov(__qword_ptr[rbx + 0x100], r10);
            a.mov(__qword_ptr[rbx + 0x108], 0);
            a.movsd(xmm0, __qword_ptr[rbx + 0x100]);
            a.divsd(xmm0, __qword_ptr[rbx + 0x108]);
            a.Label(ref call);
            a.call(r9);
            a.dec(ecx);
            a.jnz(top);
            a.jmp(done);
            a.Label(ref integer);
            a.add(rax, rcx);
            a.ret();
            a.Label(ref fn);
            a.divsd(xmm1, xmm2);
            a.sqrtsd(xmm6, xmm1);
            a.cvtsd2ss(xmm7, xmm6);
            a.ret();
            a.Label(ref done);
        }, Lanes.F64),
        // The held MXCSR travels on through regions without floating point, which must leave it (adding
        // the flags collected so far to the guest's) before a handler reads it (stmxcsr) and before the
        // run ends in one of them (the syscall that ends the snippet). It is held only under the default
        // control bits, so the snippet sets those first (with the flags clear: the random states' are
        // seldom the default); only the last round raises a flag (ZE, 1 / 0) before the chained call.
        ("held MXCSR through integer regions", a =>
        {
            var top = a.CreateLabel();
            var integer = a.CreateLabel();
            var done = a.CreateLabel();
            var call = a.CreateLabel();
            a.mov(__dword_ptr[rbx + 0x48], 0x1F80);
            a.ldmxcsr(__dword_ptr[rbx + 0x48]);
            a.mov(ecx, 3);
            a.lea(r9, __[integer]);
            a.lea(r10, __[done]);
            a.mov(r11, 0x3FF0_0000_0000_0000);
            a.mov(__qword_ptr[rbx + 0x100], r11);
            a.mov(__qword_ptr[rbx + 0x108], 0);
            a.Label(ref top);
            a.movsd(xmm0, __qword_ptr[rbx + 0x100]);
            a.mulsd(xmm0, __qword_ptr[rbx + 0x100]);
            a.cmp(ecx, 1);
            a.jne(call);
            a.divsd(xmm0, __qword_ptr[rbx + 0x108]);
            a.Label(ref call);
            a.call(r9);
            a.dec(ecx);
            a.jnz(top);
            a.mulsd(xmm0, __qword_ptr[rbx + 0x100]);
            a.jmp(r10);
            a.Label(ref integer);
            a.add(rax, rcx);
            a.stmxcsr(__dword_ptr[rbx + 0x44]);
            a.ret();
            a.Label(ref done);
            a.add(rdx, rcx);
        }, Lanes.F64),
    ];

    static Cpu Run(Tier tier, Action<Assembler> body, MachineState* start, byte[] data)
    {
        // Save what the appended exit clobbers (rax, rdi, flags) where the comparison sees it.
        Action<Assembler> full = a =>
        {
            body(a);
            a.mov(__qword_ptr[rbx + 0x200], rax);
            a.mov(__qword_ptr[rbx + 0x208], rdi);
            a.pushfq();
            a.pop(__qword_ptr[rbx + 0x210]);
        };
        return GuestCode.Run(full, c =>
        {
            var s = c.S;
            for (int r = 0; r < 16; r++) if (r != 4) s->Gpr[r] = start->Gpr[r];
            Flags.Set(s, start->Rflags);
            s->Mxcsr = start->Mxcsr;
            for (int b = 0; b < 256; b++) s->Xmm[b] = start->Xmm[b];
            GuestMemory.WriteBytes(GuestCode.DataAddress, data);
        }, tier);
    }

    [Fact]
    public void InterpreterAndJitAgree()
    {
        var failures = new List<string>();
        int cases = 0;
        foreach (var (name, body, lanes) in snippets)
        {
            var rng = new Random(name.Length * 7919 + name[0]);
            for (int n = 0; n < 25; n++)
            {
                MachineState st;
                var data = new byte[SseDiff.Used];
                SseDiff.Randomize(rng, &st, lanes, randomMxcsr: true);
                SseDiff.FillData(rng, data, lanes);
                var a = Run(Tier.Interp, body, &st, data);
                var aRegs = Snapshot(a);
                var b = Run(Tier.Jit, body, &st, data);
                var bRegs = Snapshot(b);
                cases++;
                Assert.True(b.S->InstructionCount > 0, $"{name}: the jit tier ran no translated instructions");
                if (aRegs != bRegs) { failures.Add($"{name} case {n}:\n  interp {aRegs}\n  jit    {bRegs}"); break; }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} snippets differ between tiers ({cases} cases):\n" + string.Join("\n", failures));
    }

    static string Snapshot(Cpu c)
    {
        var s = c.S;
        var sb = new System.Text.StringBuilder();
        for (int r = 0; r < 16; r++) if (r is not (0 or 4 or 7)) sb.Append($"r{r}={s->Gpr[r]:x} ");
        sb.Append($"mxcsr={s->Mxcsr:x} ");
        for (int x = 0; x < 16; x++) sb.Append($"x{x}={*(ulong*)(s->Xmm + 16 * x + 8):x}_{*(ulong*)(s->Xmm + 16 * x):x} ");
        var d = new byte[SseDiff.Used];
        GuestMemory.ReadBytes(GuestCode.DataAddress, d);
        sb.Append("data=").Append(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(d)));
        sb.Append(" saved=").Append(Convert.ToHexString(d, 0x3200, 0x18));
        return sb.ToString();
    }
}
