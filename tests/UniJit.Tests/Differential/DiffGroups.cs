using System.Runtime.Intrinsics.X86;
using Iced.Intel;
using static UniJit.Tests.Differential.FlagInfo;

namespace UniJit.Tests.Differential;

/// <summary>A generated snippet, its input, and flags that are undefined for this particular input
/// on top of what Iced's tables say (e.g. CF after an 8-bit SHL by 8 or more).</summary>
public readonly record struct Draft(byte[] Code, MachineState Input, ulong ExtraUndefined = 0);

/// <summary>
/// The instruction groups of the differential harness, each a generator of drafts from a seeded
/// <see cref="CaseGen"/>. Single instructions come from <see cref="InstructionGen"/> over every
/// encoding of the group's mnemonics; sequences (flag producers followed by consumers, jcc, string
/// operations, multi-precision chains, pushf/popf) are assembled here.
/// </summary>
public static partial class DiffGroups
{
    public static readonly IReadOnlyDictionary<string, Func<CaseGen, IEnumerable<Draft>>> All =
        new SortedDictionary<string, Func<CaseGen, IEnumerable<Draft>>>(StringComparer.Ordinal)
        {
            ["alu"] = g => Each(g, 24, null, Mnemonic.Add, Mnemonic.Adc, Mnemonic.Sub, Mnemonic.Sbb, Mnemonic.And,
                Mnemonic.Or, Mnemonic.Xor, Mnemonic.Cmp, Mnemonic.Test),
            ["unary"] = g => Each(g, 30, null, Mnemonic.Inc, Mnemonic.Dec, Mnemonic.Neg, Mnemonic.Not),
            ["shift-rotate"] = g => Each(g, 40, null, Mnemonic.Shl, Mnemonic.Sal, Mnemonic.Shr, Mnemonic.Sar,
                Mnemonic.Rol, Mnemonic.Ror, Mnemonic.Rcl, Mnemonic.Rcr),
            ["shld-shrd"] = g => Each(g, 60, DoubleShiftFix, Mnemonic.Shld, Mnemonic.Shrd),
            ["mul-imul"] = g => Each(g, 40, null, Mnemonic.Mul, Mnemonic.Imul),
            ["div-idiv"] = g => Each(g, 60, DivFix, Mnemonic.Div, Mnemonic.Idiv),
            ["bit-test"] = g => Each(g, 40, BitTestFix, Mnemonic.Bt, Mnemonic.Bts, Mnemonic.Btr, Mnemonic.Btc),
            ["bit-scan"] = g => Each(g, 60, null, BitScanMnemonics()),
            ["bswap-movbe"] = g => Each(g, 40, null, Movbe() ? [Mnemonic.Bswap, Mnemonic.Movbe] : [Mnemonic.Bswap]),
            ["xchg-cmpxchg-xadd"] = g => Each(g, 30, CmpxchgFix, Mnemonic.Xchg, Mnemonic.Cmpxchg, Mnemonic.Xadd),
            ["cmpxchg8b-16b"] = g => Each(g, 60, Cmpxchg8b16bFix, Cx16() ? [Mnemonic.Cmpxchg8b, Mnemonic.Cmpxchg16b] : [Mnemonic.Cmpxchg8b]),
            ["setcc"] = g => Each(g, 16, null, SetccMnemonics),
            ["cmovcc"] = g => Each(g, 10, null, CmovccMnemonics),
            ["mov-extend"] = g => Each(g, 20, null, Mnemonic.Mov, Mnemonic.Movzx, Mnemonic.Movsx, Mnemonic.Movsxd),
            ["acc-extend"] = g => Each(g, 20, null, Mnemonic.Cbw, Mnemonic.Cwde, Mnemonic.Cdqe, Mnemonic.Cwd, Mnemonic.Cdq, Mnemonic.Cqo),
            ["lahf-sahf"] = g => Each(g, 30, null, Mnemonic.Lahf, Mnemonic.Sahf).Concat(ThenConsume(g, 100, [Mnemonic.Lahf])),
            ["lea"] = Lea,
            ["flags-then-setcc-cmovcc"] = g => ThenConsume(g, 600, [.. SetccMnemonics, .. CmovccMnemonics]),
            ["result-then-condition"] = ResultThenCondition,
            ["same-register-logic"] = SameRegisterLogic,
            ["registers-in-state"] = RegistersInState,
            ["flags-then-adc-sbb-rcl"] = g => ThenConsume(g, 300, [Mnemonic.Adc, Mnemonic.Sbb, Mnemonic.Rcl, Mnemonic.Rcr]),
            ["jcc"] = Jcc,
            ["flags-across-blocks"] = FlagsAcrossBlocks,
            ["pushf-popf"] = PushfPopf,
            ["string-ops"] = StringOps,
            ["adc-sbb-chains"] = Chains,
            ["carry-from-producer"] = CarryFromProducer,
            ["stack-call-enter"] = Stack,
            ["mixed-sequences"] = Mixed,
        };

    static IEnumerable<Draft> Each(CaseGen g, int perCode, InstructionGen.Fixup? fix, params Mnemonic[] mnemonics)
    {
        foreach (var code in InstructionGen.CodesOf(mnemonics))
        {
            // A 16-bit BSWAP's result is undefined (Intel SDM: BSWAP).
            if (code == Code.Bswap_r16) continue;
            for (int n = 0; n < perCode; n++)
            {
                var d = InstructionGen.Draw(g, code, fix);
                if (d is not { } x) break;
                yield return new Draft(x.Code, x.Input, ShiftUndefined(x.Input, x.Instr));
            }
        }
    }

    /// <summary>SDM (SAL/SAR/SHL/SHR): CF is undefined for SHL and SHR when the count is at least the
    /// operand size (8- and 16-bit operands, whose counts are masked to 5 bits only); OF is defined
    /// only for counts of 1 (and unchanged for 0).</summary>
    static ulong ShiftUndefined(MachineState s, in Instruction i)
    {
        var m = i.Mnemonic;
        if (m is not (Mnemonic.Shl or Mnemonic.Sal or Mnemonic.Shr or Mnemonic.Sar or Mnemonic.Rol or Mnemonic.Ror or Mnemonic.Rcl or Mnemonic.Rcr or Mnemonic.Shld or Mnemonic.Shrd))
            return 0;
        int bits = i.GetOpKind(0) == OpKind.Register ? i.Op0Register.GetSize() * 8 : i.MemorySize.GetSize() * 8;
        int last = i.OpCount - 1;
        ulong raw = i.GetOpKind(last) == OpKind.Register ? StateAccess.Get(s, Register.CL)
                  : i.GetOpKind(last) == OpKind.Immediate8 ? (ulong)i.Immediate8 : 1UL;
        int count = (int)(raw & (bits == 64 ? 63UL : 31UL));
        ulong undef = 0;
        if (count > 1) undef |= OF;
        if (count >= bits && m is Mnemonic.Shl or Mnemonic.Sal or Mnemonic.Shr) undef |= CF;
        return undef;
    }

    public static readonly Mnemonic[] SetccMnemonics =
    [
        Mnemonic.Seto, Mnemonic.Setno, Mnemonic.Setb, Mnemonic.Setae, Mnemonic.Sete, Mnemonic.Setne, Mnemonic.Setbe, Mnemonic.Seta,
        Mnemonic.Sets, Mnemonic.Setns, Mnemonic.Setp, Mnemonic.Setnp, Mnemonic.Setl, Mnemonic.Setge, Mnemonic.Setle, Mnemonic.Setg,
    ];

    public static readonly Mnemonic[] CmovccMnemonics =
    [
        Mnemonic.Cmovo, Mnemonic.Cmovno, Mnemonic.Cmovb, Mnemonic.Cmovae, Mnemonic.Cmove, Mnemonic.Cmovne, Mnemonic.Cmovbe, Mnemonic.Cmova,
        Mnemonic.Cmovs, Mnemonic.Cmovns, Mnemonic.Cmovp, Mnemonic.Cmovnp, Mnemonic.Cmovl, Mnemonic.Cmovge, Mnemonic.Cmovle, Mnemonic.Cmovg,
    ];

    static Mnemonic[] BitScanMnemonics()
    {
        var list = new List<Mnemonic> { Mnemonic.Bsf, Mnemonic.Bsr };
        if (Bmi1.IsSupported) list.Add(Mnemonic.Tzcnt);
        if (Lzcnt.IsSupported) list.Add(Mnemonic.Lzcnt);
        if (Popcnt.IsSupported) list.Add(Mnemonic.Popcnt);
        return [.. list];
    }

    static bool Movbe() => (X86Base.CpuId(1, 0).Ecx & (1 << 22)) != 0;
    static bool Cx16() => (X86Base.CpuId(1, 0).Ecx & (1 << 13)) != 0;

    /// <summary>Which host features the generators used, for the report.</summary>
    public static string HostFeatures =>
        $"bmi1(tzcnt)={Bmi1.IsSupported} lzcnt={Lzcnt.IsSupported} popcnt={Popcnt.IsSupported} movbe={Movbe()} cx16={Cx16()}";

    // ---- fix-ups -------------------------------------------------------------------------------

    static int OpBytes(in Instruction i) =>
        i.GetOpKind(0) == OpKind.Register ? i.Op0Register.GetSize() : i.MemorySize.GetSize();

    /// <summary>Divisor non-zero and a dividend whose quotient fits, so the host never raises #DE.</summary>
    static bool DivFix(CaseGen g, MachineState s, in Instruction i)
    {
        int size = OpBytes(in i);
        int bits = size * 8;
        if (i.GetOpKind(0) == OpKind.Register && i.Op0Register.GetFullRegister() is Register.RAX or Register.RDX) return false;
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        ulong d = StateAccess.GetOp(s, in i, 0, size);
        if (d == 0) { d = (g.Value() & mask) | 1; StateAccess.SetOp(s, in i, 0, size, d); }
        Int128 dividend;
        if (i.Mnemonic == Mnemonic.Div)
        {
            UInt128 q = (UInt128)(g.Value() & mask), r = (UInt128)(g.Value() & mask) % d;
            dividend = (Int128)(q * d + r);
        }
        else
        {
            Int128 sd = SignExtend(d, bits);
            Int128 q = SignExtend(g.Value(), bits);
            if (g.Rng.Next(3) == 0) q >>= g.Rng.Next(bits);
            Int128 r = (Int128)(g.Value() & mask) % Int128.Abs(sd);
            if (q * sd < 0) r = -r;
            dividend = q * sd + r;
        }
        // A third of the cases: a dividend that fits in the low half (RDX zero, or RAX sign-extended, as
        // after cqo), the form C's 64-bit / and % take (the handlers' fast path).
        if (g.Rng.Next(3) == 0)
        {
            dividend = i.Mnemonic == Mnemonic.Div ? (Int128)(g.Value() & mask) : SignExtend(g.Value(), bits);
            if (i.Mnemonic == Mnemonic.Idiv && SignExtend(d, bits) == -1 && dividend == -((Int128)1 << (bits - 1))) dividend = 0;
        }
        ulong lo = (ulong)(UInt128)dividend & mask, hi = (ulong)((UInt128)dividend >> bits) & mask;
        if (bits == 8) StateAccess.Set(s, Register.AX, (hi << 8) | lo);
        else
        {
            StateAccess.Set(s, bits == 16 ? Register.AX : bits == 32 ? Register.EAX : Register.RAX, lo);
            StateAccess.Set(s, bits == 16 ? Register.DX : bits == 32 ? Register.EDX : Register.RDX, hi);
        }
        return true;
    }

    static Int128 SignExtend(ulong v, int bits) => bits == 64 ? (long)v : (Int128)((long)(v << (64 - bits)) >> (64 - bits));

    /// <summary>BT* with a memory operand and a register bit offset address memory far from the operand:
    /// keep the offset within the scratch area.</summary>
    static bool BitTestFix(CaseGen g, MachineState s, in Instruction i)
    {
        if (i.GetOpKind(0) != OpKind.Memory || i.GetOpKind(1) != OpKind.Register) return true;
        var r = i.Op1Register;
        if (r.GetFullRegister() == i.MemoryBase || r.GetFullRegister() == i.MemoryIndex) return false;
        long off = g.Rng.Next(-0x800, 0x2000);
        s.Gpr[r.GetFullRegister().GetNumber()] = (ulong)off;
        return true;
    }

    /// <summary>SDM (SHLD/SHRD): with a 16-bit operand and a (5-bit masked) count above 16 the result is undefined.</summary>
    static bool DoubleShiftFix(CaseGen g, MachineState s, in Instruction i)
    {
        if (OpBytes(in i) != 2) return true;
        if (i.Op2Kind == OpKind.Immediate8) return (i.Immediate8 & 31) <= 16;
        StateAccess.Set(s, Register.CL, (ulong)(g.Rng.Next(17) | (g.Rng.Next(8) << 5)));
        return true;
    }

    /// <summary>Half the time the accumulator equals the destination, so the exchange happens.</summary>
    static bool CmpxchgFix(CaseGen g, MachineState s, in Instruction i)
    {
        if (i.Mnemonic != Mnemonic.Cmpxchg || g.Rng.Next(2) == 0) return true;
        int size = OpBytes(in i);
        var acc = size switch { 1 => Register.AL, 2 => Register.AX, 4 => Register.EAX, _ => Register.RAX };
        StateAccess.Set(s, acc, StateAccess.GetOp(s, in i, 0, size));
        return true;
    }

    static bool Cmpxchg8b16bFix(CaseGen g, MachineState s, in Instruction i)
    {
        int half = i.Mnemonic == Mnemonic.Cmpxchg16b ? 8 : 4;
        if (g.Rng.Next(2) == 0)
        {
            int off = StateAccess.DataOffset(s, in i);
            ulong lo = BitConverter.ToUInt64(s.Data, off), hi = BitConverter.ToUInt64(s.Data, off + half);
            if (half == 4) { hi = lo >> 32; lo &= 0xFFFF_FFFF; s.Gpr[0] = (s.Gpr[0] & ~0xFFFF_FFFFUL) | lo; s.Gpr[2] = (s.Gpr[2] & ~0xFFFF_FFFFUL) | hi; }
            else { s.Gpr[0] = lo; s.Gpr[2] = hi; }
        }
        return true;
    }
}
