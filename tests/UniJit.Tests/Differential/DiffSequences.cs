using Iced.Intel;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;
using static UniJit.Tests.Differential.FlagInfo;

namespace UniJit.Tests.Differential;

public static partial class DiffGroups
{
    static readonly Mnemonic[] Producers =
    [
        Mnemonic.Add, Mnemonic.Adc, Mnemonic.Sub, Mnemonic.Sbb, Mnemonic.And, Mnemonic.Or, Mnemonic.Xor, Mnemonic.Cmp,
        Mnemonic.Test, Mnemonic.Inc, Mnemonic.Dec, Mnemonic.Neg, Mnemonic.Shl, Mnemonic.Shr, Mnemonic.Sar, Mnemonic.Rol,
        Mnemonic.Ror, Mnemonic.Imul, Mnemonic.Bt, Mnemonic.Not, Mnemonic.Bsf,
    ];

    static readonly Lazy<Code[]> producerCodes = new(() => InstructionGen.CodesOf(Producers).ToArray());

    /// <summary>One to three flag-producing register instructions (lazy flags of different kinds and
    /// sizes, some leaving CF alone), then a consumer: the consumer reads the flags the producers left.</summary>
    static IEnumerable<Draft> ThenConsume(CaseGen g, int count, Mnemonic[] consumers, Code[]? from = null)
    {
        var consumerCodes = InstructionGen.CodesOf(consumers).ToArray();
        var producerPool = from ?? producerCodes.Value;
        for (int n = 0; n < count; n++)
        {
            var s = g.State();
            var parts = new List<byte>();
            ulong extra = 0, undefinedNow = 0;
            int producers = 1 + g.Rng.Next(3);
            for (int p = 0; p < producers; p++)
            {
                var d = InstructionGen.Draw(g, producerPool[g.Rng.Next(producerPool.Length)], state: s, allowMem: false);
                if (d is not { } x) continue;
                // A producer that reads a flag an earlier one left undefined (SBB after BSF) would compare noise.
                if ((ToRflags(x.Instr.RflagsRead) & undefinedNow) != 0) continue;
                parts.AddRange(x.Code);
                extra = (extra & ~ToRflags(x.Instr.RflagsModified)) | ShiftUndefined(s, x.Instr);
                undefinedNow = (undefinedNow & ~ToRflags(x.Instr.RflagsModified)) | ToRflags(x.Instr.RflagsUndefined) | extra;
            }
            var c = InstructionGen.Draw(g, consumerCodes[g.Rng.Next(consumerCodes.Length)], state: s, allowMem: false);
            if (c is not { } cx) continue;
            parts.AddRange(cx.Code);
            var code = parts.ToArray();
            // A consumer that reads a flag the producers left undefined would compare noise: skip it.
            ulong read = ToRflags(cx.Instr.RflagsRead);
            ulong undefinedBefore = Compared & ~FlagInfo.DefinedAfter(code[..^cx.Code.Length]) | extra;
            if ((read & undefinedBefore) != 0) { n--; continue; }
            yield return new Draft(code, s, extra);
        }
    }

    static readonly Lazy<Code[]> resultCodes = new(() => InstructionGen.CodesOf(Mnemonic.Shl, Mnemonic.Sal, Mnemonic.Shr, Mnemonic.Sar,
        Mnemonic.Inc, Mnemonic.Dec).Where(c => !c.ToString().Contains("CL", StringComparison.Ordinal)).ToArray());

    /// <summary>A shift of a register by a constant, an inc or a dec, then a condition on its result: the IL tier
    /// fuses je/jne/js/jns, sete/setne/sets/setns and the cmovs of those with it (from the result, not the lazy
    /// flags), after inc and dec also jl/jge/jle/jg and their setcc and cmov, and reads the others from the state. Some cases put a store to the stack between the two, which
    /// keeps the flags in the state (the access's slow path would leave before the consumer).</summary>
    static IEnumerable<Draft> ResultThenCondition(CaseGen g)
    {
        foreach (var d in ThenConsume(g, 300, [.. SetccMnemonics, .. CmovccMnemonics], resultCodes.Value)) yield return d;
        for (int n = 0; n < 320; n++)
        {
            var s = g.State();
            if (InstructionGen.Draw(g, resultCodes.Value[g.Rng.Next(resultCodes.Value.Length)], state: s, allowMem: false) is not { } sh
                || sh.Instr.Op0Kind != OpKind.Register) { n--; continue; }
            // e, ne, s, ns after any of them; l, ge, le, g (which read OF) after inc and dec.
            bool incDec = sh.Instr.Mnemonic is Mnemonic.Inc or Mnemonic.Dec;
            int cc = (n / 2 % (incDec ? 8 : 4)) switch { 0 => 4, 1 => 5, 2 => 8, 3 => 9, 4 => 12, 5 => 13, 6 => 14, _ => 15 };
            bool store = n % 2 == 1;
            var code = JccDiamond(a =>
            {
                a.db(sh.Code);
                if (store) a.mov(__qword_ptr[rsp - 64], r9);
            }, JccForms[cc].emit);
            yield return new Draft(code, s, ShiftUndefined(s, sh.Instr));
        }
    }

    /// <summary>One flag producer (its flags all defined), a jcc on them, and a jcc on the same flags at the
    /// start of both blocks it leads to (GCC's <c>cmp; jle a; ja b</c>): the IL tier lets a block whose every
    /// way in ends with the same kind of fusable producer read that producer's operands.</summary>
    static IEnumerable<Draft> FlagsAcrossBlocks(CaseGen g)
    {
        for (int n = 0; n < 480; n++)
        {
            var s = g.State();
            byte[] producer = DefinedFlagsProducer(g, s);
            if (producer.Length == 0) { n--; continue; }
            var (first, _) = JccForms[g.Rng.Next(16)];
            var (second, _) = JccForms[g.Rng.Next(16)];
            var (third, _) = JccForms[g.Rng.Next(16)];
            var code = CaseGen.Assemble(a =>
            {
                var taken = a.CreateLabel();
                var secondTaken = a.CreateLabel();
                var thirdTaken = a.CreateLabel();
                var done = a.CreateLabel();
                a.db(producer);
                first(a, taken);
                second(a, secondTaken);
                a.mov(r8d, 0x1111);
                a.jmp(done);
                a.Label(ref secondTaken);
                a.mov(r8d, 0x3333);
                a.jmp(done);
                a.Label(ref taken);
                third(a, thirdTaken);
                a.mov(r8d, 0x2222);
                a.jmp(done);
                a.Label(ref thirdTaken);
                a.mov(r8d, 0x4444);
                a.Label(ref done);
                a.add(r9, r8);
            });
            yield return new Draft(code, s);
        }
    }

    /// <summary>LEA with every addressing form: base, index, scale, 8/32-bit displacement, no base,
    /// RIP-relative, 32-bit address size, 16/32/64-bit destinations, arbitrary register values.</summary>
    static IEnumerable<Draft> Lea(CaseGen g)
    {
        for (int n = 0; n < 600; n++)
        {
            var s = g.State();
            int destBits = g.Rng.Next(4) == 0 ? 16 : g.Rng.Next(2) == 0 ? 32 : 64;
            var dest = g.Reg(destBits);
            bool addr32 = g.Rng.Next(4) == 0;
            int form = g.Rng.Next(6);
            Register b = form == 5 ? Register.None : g.Reg(addr32 ? 32 : 64);
            Register x = form is 0 or 4 ? Register.None : g.Reg(addr32 ? 32 : 64);
            if (form == 4 && g.Rng.Next(2) == 0) b = Register.RSP; // SIB with RSP base (RSP's value is the same on both sides)
            int scale = 1 << g.Rng.Next(4);
            long disp = g.Rng.Next(3) switch { 0 => 0, 1 => (sbyte)g.Rng.Next(256), _ => (int)g.Value() };
            if (form == 5 && x == Register.None) x = g.Reg(addr32 ? 32 : 64);
            MemoryOperand m;
            if (form == 3 && !addr32) m = new MemoryOperand(Register.RIP, (long)GuestCode.CodeAddress + 0x100 + g.Rng.Next(-0x80, 0x80));
            else m = new MemoryOperand(b, x, x == Register.None ? 1 : scale, disp, disp == 0 ? 0 : disp is >= -128 and < 128 ? 1 : 4);
            var code = destBits switch { 16 => Code.Lea_r16_m, 32 => Code.Lea_r32_m, _ => Code.Lea_r64_m };
            Instruction ins;
            try { ins = Instruction.Create(code, dest, m); } catch (ArgumentException) { continue; }
            var bytes = CaseGen.Encode(ins);
            if (bytes != null) yield return new Draft(bytes, s);
        }
    }

    /// <summary>A flag producer for input <paramref name="s"/> that leaves every flag but AF defined (no
    /// shift whose count makes OF or CF undefined), or none after ten draws.</summary>
    static byte[] DefinedFlagsProducer(CaseGen g, MachineState s)
    {
        for (int tries = 0; tries < 10; tries++)
        {
            var d = InstructionGen.Draw(g, producerCodes.Value[g.Rng.Next(producerCodes.Value.Length)], state: s, allowMem: false);
            if (d is { } x && (ToRflags(x.Instr.RflagsUndefined) & ~AF) == 0 && ShiftUndefined(s, x.Instr) == 0) return x.Code;
        }
        return [];
    }

    /// <summary>test, and and or of a register with itself, at each size and with the high bytes (the IL tier reads
    /// the register once: it is both operands and the result), then each jcc, a setcc and a cmov, or nothing (the
    /// flags compared as the snippet leaves them).</summary>
    static IEnumerable<Draft> SameRegisterLogic(CaseGen g)
    {
        Action<Assembler>[] forms =
        [
            a => a.test(al, al), a => a.and(ah, ah), a => a.or(bh, bh), a => a.test(sil, sil), a => a.and(r10b, r10b),
            a => a.test(cx, cx), a => a.or(bp, bp), a => a.and(r11w, r11w),
            a => a.test(esi, esi), a => a.and(edi, edi), a => a.or(r12d, r12d),
            a => a.test(rax, rax), a => a.and(rbx, rbx), a => a.or(r13, r13),
        ];
        for (int n = 0; n < 36 * forms.Length; n++)
        {
            var form = forms[n % forms.Length];
            int after = n / forms.Length % 18;
            byte[] code = after < 16 ? JccDiamond(form, JccForms[after].emit)
                : after == 16 ? CaseGen.Assemble(a => { form(a); a.setle(dl); a.cmovs(r14, r15); })
                : CaseGen.Assemble(form);
            yield return new Draft(code, g.State());
        }
    }

    /// <summary><paramref name="before"/>, then <paramref name="jcc"/>: R8 = 0x1111 on the fall-through, 0x2222
    /// when taken (40 nops apart with <paramref name="far"/>, for the near forms), added to R9.</summary>
    static byte[] JccDiamond(Action<Assembler> before, Func<Assembler, Label, int> jcc, bool far = false) =>
        CaseGen.Assemble(a =>
        {
            a.PreferShortBranch = !far;
            before(a);
            var taken = a.CreateLabel();
            var done = a.CreateLabel();
            jcc(a, taken);
            a.mov(r8d, 0x1111);
            if (far) for (int k = 0; k < 40; k++) a.nop();
            a.jmp(done);
            a.Label(ref taken);
            a.mov(r8d, 0x2222);
            a.Label(ref done);
            a.add(r9, r8);
        });

    static readonly (Func<Assembler, Label, int> emit, string name)[] JccForms =
    [
        ((a, l) => { a.jo(l); return 0; }, "jo"), ((a, l) => { a.jno(l); return 0; }, "jno"),
        ((a, l) => { a.jb(l); return 0; }, "jb"), ((a, l) => { a.jae(l); return 0; }, "jae"),
        ((a, l) => { a.je(l); return 0; }, "je"), ((a, l) => { a.jne(l); return 0; }, "jne"),
        ((a, l) => { a.jbe(l); return 0; }, "jbe"), ((a, l) => { a.ja(l); return 0; }, "ja"),
        ((a, l) => { a.js(l); return 0; }, "js"), ((a, l) => { a.jns(l); return 0; }, "jns"),
        ((a, l) => { a.jp(l); return 0; }, "jp"), ((a, l) => { a.jnp(l); return 0; }, "jnp"),
        ((a, l) => { a.jl(l); return 0; }, "jl"), ((a, l) => { a.jge(l); return 0; }, "jge"),
        ((a, l) => { a.jle(l); return 0; }, "jle"), ((a, l) => { a.jg(l); return 0; }, "jg"),
    ];

    /// <summary>Each of the 16 conditional jumps (short and near forms), taken or not, after a flag
    /// producer or straight from the input flags; plus JRCXZ/JECXZ and LOOP/LOOPE/LOOPNE.</summary>
    static IEnumerable<Draft> Jcc(CaseGen g)
    {
        for (int n = 0; n < 640; n++)
        {
            var s = g.State();
            byte[] producer = n % 4 != 0 ? DefinedFlagsProducer(g, s) : [];
            var (emit, _) = JccForms[n % 16];
            bool far = g.Rng.Next(2) == 0;
            yield return new Draft(JccDiamond(a => a.db(producer), emit, far), s);
        }
        for (int n = 0; n < 120; n++)
        {
            var s = g.State();
            int form = n % 5;
            // LOOP with RCX = 0 would run 2^64 times: loops start from 1..5.
            s.Gpr[1] = form >= 2 ? (ulong)g.Rng.Next(1, 6) : (ulong)g.Rng.Next(0, 6) | (form == 1 && g.Rng.Next(2) == 0 ? 0xFFFF_FFFF_0000_0000UL : 0);
            var code = CaseGen.Assemble(a =>
            {
                var top = a.CreateLabel();
                var end = a.CreateLabel();
                a.Label(ref top);
                if (form == 0) a.jrcxz(end);
                else if (form == 1) a.db(0x67, 0xE3, 0x08); // jecxz end: Iced's assembler has no 64-bit-mode JECXZ
                a.add(r10, 3);
                a.cmp(r10b, 0x40);
                if (form == 2) a.loop(top);
                else if (form == 3) a.loope(top);
                else if (form == 4) a.loopne(top);
                a.Label(ref end);
                a.nop();
            });
            yield return new Draft(code, s);
        }
    }

    /// <summary>PUSHF/POPF (64- and 16-bit) and flags through the stack: RSP, the pushed image and the
    /// flags popped back must match; only user-writable flags are loaded (never TF or AC).</summary>
    static IEnumerable<Draft> PushfPopf(CaseGen g)
    {
        for (int n = 0; n < 200; n++)
        {
            var s = g.State();
            s.Gpr[3] = (ulong)g.Rng.NextInt64() & (Compared | 0x2) | (g.Rng.Next(2) == 0 ? 0 : DF);
            int form = n % 4;
            byte[] producer = [];
            var d = InstructionGen.Draw(g, producerCodes.Value[g.Rng.Next(producerCodes.Value.Length)], state: s, allowMem: false);
            if (d is { } x) producer = x.Code;
            var code = CaseGen.Assemble(a =>
            {
                switch (form)
                {
                    case 0: a.push(rbx); a.popfq(); a.pushfq(); a.pop(rsi); break;
                    case 1: a.db(producer); a.pushfq(); a.pop(rsi); a.and(rsi, (int)(Compared | 0x202)); a.push(rbx); a.popfq(); break;
                    case 2: a.push(bx); a.popf(); a.pushf(); a.pop(si); break;
                    case 3: a.push(rbx); a.popfq(); a.lahf(); a.cld(); a.pushfq(); a.pop(rdi); a.std(); a.cmc(); a.stc(); a.clc(); a.cmc(); break;
                }
                a.mov(rbp, rsp);
            });
            // Form 1 keeps the pushed image only through the mask; the producer's undefined flags are masked there.
            if (form == 1)
            {
                var masked = FlagInfo.DefinedAfter(producer);
                if ((masked & (Compared & ~DF)) != (Compared & ~DF)) continue;
            }
            yield return new Draft(code, s);
        }
    }
}

public static partial class DiffGroups
{
    static readonly Lazy<Code[]> mixedCodes = new(() => InstructionGen.CodesOf(
        Mnemonic.Add, Mnemonic.Adc, Mnemonic.Sub, Mnemonic.Sbb, Mnemonic.And, Mnemonic.Or, Mnemonic.Xor, Mnemonic.Cmp,
        Mnemonic.Test, Mnemonic.Inc, Mnemonic.Dec, Mnemonic.Neg, Mnemonic.Not, Mnemonic.Shl, Mnemonic.Shr, Mnemonic.Sar,
        Mnemonic.Rol, Mnemonic.Ror, Mnemonic.Rcl, Mnemonic.Rcr, Mnemonic.Mul, Mnemonic.Imul, Mnemonic.Bt, Mnemonic.Bts,
        Mnemonic.Bsf, Mnemonic.Bsr, Mnemonic.Bswap, Mnemonic.Xchg, Mnemonic.Cmpxchg, Mnemonic.Xadd, Mnemonic.Mov,
        Mnemonic.Movzx, Mnemonic.Movsx, Mnemonic.Movsxd, Mnemonic.Lea, Mnemonic.Cmovb, Mnemonic.Cmovle, Mnemonic.Cmovp,
        Mnemonic.Seta, Mnemonic.Setl, Mnemonic.Seto, Mnemonic.Cbw, Mnemonic.Cdq, Mnemonic.Cqo, Mnemonic.Lahf, Mnemonic.Sahf)
        .Concat(InstructionGen.CodesOf(BitScanMnemonics())) // tzcnt/lzcnt/popcnt where the host has them
        .Where(c => c != Code.Bswap_r16).Distinct().ToArray());

    /// <summary>Random straight-line register code, 4 to 12 instructions: what a translator that keeps
    /// registers in locals and drops dead flag computations must still get exactly right. Flags that
    /// a shift by CL might leave undefined (the count is only known at run time) are not compared
    /// unless a later instruction defines them, and no instruction reads a possibly undefined flag.</summary>
    static IEnumerable<Draft> Mixed(CaseGen g)
    {
        for (int n = 0; n < 500; n++)
        {
            var s = g.State();
            var parts = new List<byte>();
            ulong undefined = 0;
            int count = g.Rng.Next(4, 13);
            bool ok = true;
            for (int k = 0; k < count && ok; k++)
            {
                var d = InstructionGen.Draw(g, mixedCodes.Value[g.Rng.Next(mixedCodes.Value.Length)], state: s, allowMem: false);
                if (d is not { } x) continue;
                if ((ToRflags(x.Instr.RflagsRead) & undefined) != 0) continue;
                bool byCl = x.Instr.OpCount > 1 && x.Instr.GetOpKind(x.Instr.OpCount - 1) == OpKind.Register && x.Instr.GetOpRegister(x.Instr.OpCount - 1) == Register.CL;
                undefined &= ~ToRflags(x.Instr.RflagsModified);
                undefined |= ToRflags(x.Instr.RflagsUndefined);
                if (byCl) undefined |= CF | OF | ZF | SF | PF | AF; // count 0 leaves them, large counts make CF/OF undefined
                else undefined |= ShiftUndefined(s, x.Instr);
                parts.AddRange(x.Code);
            }
            if (parts.Count == 0) continue;
            yield return new Draft(parts.ToArray(), s, undefined);
        }
    }

    /// <summary>Random register code of <paramref name="count"/> instructions, as <see cref="Mixed"/> draws it,
    /// none writing R15; <paramref name="undefined"/>: the flags undefined before it, then after it.</summary>
    static byte[] MixedChunk(CaseGen g, MachineState s, int count, ref ulong undefined)
    {
        var parts = new List<byte>();
        var info = new InstructionInfoFactory();
        for (int k = 0; k < count; k++)
        {
            var d = InstructionGen.Draw(g, mixedCodes.Value[g.Rng.Next(mixedCodes.Value.Length)], state: s, allowMem: false);
            if (d is not { } x) continue;
            if ((ToRflags(x.Instr.RflagsRead) & undefined) != 0) continue;
            if (info.GetInfo(x.Instr).GetUsedRegisters().Any(u => u.Register.GetFullRegister() == Register.R15
                && u.Access is not (OpAccess.Read or OpAccess.CondRead or OpAccess.NoMemAccess))) continue;
            bool byCl = x.Instr.OpCount > 1 && x.Instr.GetOpKind(x.Instr.OpCount - 1) == OpKind.Register && x.Instr.GetOpRegister(x.Instr.OpCount - 1) == Register.CL;
            undefined &= ~ToRflags(x.Instr.RflagsModified);
            undefined |= ToRflags(x.Instr.RflagsUndefined);
            if (byCl) undefined |= CF | OF | ZF | SF | PF | AF;
            else undefined |= ShiftUndefined(s, x.Instr);
            parts.AddRange(x.Code);
        }
        return parts.ToArray();
    }

    /// <summary>A loop (R15 counts 1 to 4 rounds) of random register code naming most of the sixteen registers,
    /// with a forward branch inside: a region that names more than eight registers keeps the least used in the
    /// state, and a block keeps copies of those in locals from their first use (and from the blocks before it
    /// on every way in), so this checks the copies through writes, partial writes, conditional writes
    /// (cmov, bsf), joins and the loop's back edge. Each part starts from defined flags.</summary>
    static IEnumerable<Draft> RegistersInState(CaseGen g)
    {
        for (int n = 0; n < 300; n++)
        {
            var s = g.State();
            s.Gpr[15] = (ulong)g.Rng.Next(1, 5);
            ulong u0 = 0, u1 = AF, u2 = 0;
            var head = MixedChunk(g, s, g.Rng.Next(8, 17), ref u0);
            var body = MixedChunk(g, s, g.Rng.Next(2, 9), ref u1);
            var tail = MixedChunk(g, s, g.Rng.Next(6, 13), ref u2);
            var (jcc, _) = JccForms[g.Rng.Next(16)];
            var code = CaseGen.Assemble(a =>
            {
                var top = a.CreateLabel();
                var skip = a.CreateLabel();
                a.Label(ref top);
                a.cmp(r13, r12);
                a.db(head);
                a.test(r11, r10);
                jcc(a, skip);
                a.db(body);
                a.Label(ref skip);
                a.cmp(r9, r8);
                a.db(tail);
                a.dec(r15);
                a.jne(top);
                a.add(r14, rdi);
            });
            yield return new Draft(code, s);
        }
    }

    /// <summary>A flag producer the IL tier fuses with a carry reader (neg, sub, cmp, add, and, or, xor,
    /// test), then adc or sbb into a register (from a register, itself as in <c>sbb r, r</c>, or memory),
    /// of any sizes: the translated adc/sbb takes the carry from the producer's operands. In two cases
    /// of three a flag writer follows, so the adc/sbb's own flags are dead and it is plain arithmetic;
    /// otherwise its flags are compared. Sometimes a second adc/sbb reads the first one's carry.</summary>
    static IEnumerable<Draft> CarryFromProducer(CaseGen g)
    {
        Code[][] producers =
        [
            [Code.Sub_rm8_r8, Code.Sub_rm16_r16, Code.Sub_rm32_r32, Code.Sub_rm64_r64],
            [Code.Cmp_rm8_r8, Code.Cmp_rm16_r16, Code.Cmp_rm32_r32, Code.Cmp_rm64_r64],
            [Code.Add_rm8_r8, Code.Add_rm16_r16, Code.Add_rm32_r32, Code.Add_rm64_r64],
            [Code.And_rm8_r8, Code.And_rm16_r16, Code.And_rm32_r32, Code.And_rm64_r64],
            [Code.Or_rm8_r8, Code.Or_rm16_r16, Code.Or_rm32_r32, Code.Or_rm64_r64],
            [Code.Xor_rm8_r8, Code.Xor_rm16_r16, Code.Xor_rm32_r32, Code.Xor_rm64_r64],
            [Code.Test_rm8_r8, Code.Test_rm16_r16, Code.Test_rm32_r32, Code.Test_rm64_r64],
            [Code.Neg_rm8, Code.Neg_rm16, Code.Neg_rm32, Code.Neg_rm64],
        ];
        Code[] adcRR = [Code.Adc_rm8_r8, Code.Adc_rm16_r16, Code.Adc_rm32_r32, Code.Adc_rm64_r64];
        Code[] sbbRR = [Code.Sbb_rm8_r8, Code.Sbb_rm16_r16, Code.Sbb_rm32_r32, Code.Sbb_rm64_r64];
        Code[] adcRM = [Code.Adc_r8_rm8, Code.Adc_r16_rm16, Code.Adc_r32_rm32, Code.Adc_r64_rm64];
        Code[] sbbRM = [Code.Sbb_r8_rm8, Code.Sbb_r16_rm16, Code.Sbb_r32_rm32, Code.Sbb_r64_rm64];
        Code[] writers = [Code.Or_rm8_r8, Code.Or_rm16_r16, Code.Or_rm32_r32, Code.Or_rm64_r64];
        int[] bits = [8, 16, 32, 64];
        for (int n = 0; n < 600; n++)
        {
            var s = g.State();
            var avoid = new List<Register>();
            int pz = g.Rng.Next(4), cz = g.Rng.Next(4);
            bool fromMemory = g.Rng.Next(4) == 0;
            MemoryOperand? mem = fromMemory ? g.Mem(s, avoid, 1 << cz) : null;
            var instrs = new List<Instruction>();
            var producer = producers[g.Rng.Next(producers.Length)][pz];
            var p0 = g.Reg(bits[pz], avoid);
            instrs.Add(producer.ToString().StartsWith("Neg") ? Instruction.Create(producer, p0)
                : Instruction.Create(producer, p0, g.Reg(bits[pz], avoid)));
            bool sbb = g.Rng.Next(2) == 0;
            var c0 = g.Reg(bits[cz], avoid);
            instrs.Add(mem is { } m ? Instruction.Create((sbb ? sbbRM : adcRM)[cz], c0, m)
                : Instruction.Create((sbb ? sbbRR : adcRR)[cz], c0, g.Rng.Next(2) == 0 ? c0 : g.Reg(bits[cz], avoid)));
            if (g.Rng.Next(4) == 0)
            {
                int z2 = g.Rng.Next(4);
                instrs.Add(Instruction.Create((g.Rng.Next(2) == 0 ? sbbRR : adcRR)[z2], g.Reg(bits[z2], avoid), g.Reg(bits[z2], avoid)));
            }
            if (g.Rng.Next(3) != 0)
            {
                int wz = g.Rng.Next(4);
                instrs.Add(Instruction.Create(writers[wz], g.Reg(bits[wz], avoid), g.Reg(bits[wz], avoid)));
            }
            if (CaseGen.Encode([.. instrs]) is { } code) yield return new Draft(code, s);
            else n--;
        }
    }
}
