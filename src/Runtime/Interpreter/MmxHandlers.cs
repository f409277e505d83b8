using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Iced.Intel;
using Reg = Iced.Intel.Register;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using V = System.Runtime.Intrinsics.Vector128<byte>;

namespace UniJit.Runtime.Interpreter;

/// <summary>
/// MMX, and the SSE/SSE2/SSSE3 instructions on MMX registers. A row names the semantic method:
/// <c>Low</c> rows the <see cref="SimdInt"/> method of the XMM form (run on zero-extended operands,
/// low quadword kept), <c>Own</c> rows a <see cref="MmxInt"/> method for the layouts that differ.
/// Every handler follows <see cref="Mmx"/>'s order: pending x87 exception check, read the sources
/// (a fault leaves everything as it was), then the transition to MMX mode and the write.
/// The IL tier runs these through its fallback (the interpreter handler); MMX state lives only in
/// the x87 part of <see cref="CpuState"/>, which translated code never caches.
/// </summary>
public static unsafe class MmxHandlers
{
    static readonly nint[] ops = new nint[HandlerTable.CodeCount];

    public static void Register()
    {
        Low(Code.Paddb_mm_mmm64, &SimdInt.Paddb);
        Low(Code.Paddw_mm_mmm64, &SimdInt.Paddw);
        Low(Code.Paddd_mm_mmm64, &SimdInt.Paddd);
        Low(Code.Paddq_mm_mmm64, &SimdInt.Paddq);
        Low(Code.Paddsb_mm_mmm64, &SimdInt.Paddsb);
        Low(Code.Paddsw_mm_mmm64, &SimdInt.Paddsw);
        Low(Code.Paddusb_mm_mmm64, &SimdInt.Paddusb);
        Low(Code.Paddusw_mm_mmm64, &SimdInt.Paddusw);
        Low(Code.Psubb_mm_mmm64, &SimdInt.Psubb);
        Low(Code.Psubw_mm_mmm64, &SimdInt.Psubw);
        Low(Code.Psubd_mm_mmm64, &SimdInt.Psubd);
        Low(Code.Psubq_mm_mmm64, &SimdInt.Psubq);
        Low(Code.Psubsb_mm_mmm64, &SimdInt.Psubsb);
        Low(Code.Psubsw_mm_mmm64, &SimdInt.Psubsw);
        Low(Code.Psubusb_mm_mmm64, &SimdInt.Psubusb);
        Low(Code.Psubusw_mm_mmm64, &SimdInt.Psubusw);
        Low(Code.Pmullw_mm_mmm64, &SimdInt.Pmullw);
        Low(Code.Pmulhw_mm_mmm64, &SimdInt.Pmulhw);
        Low(Code.Pmulhuw_mm_mmm64, &SimdInt.Pmulhuw);
        Low(Code.Pmuludq_mm_mmm64, &SimdInt.Pmuludq);
        Low(Code.Pmaddwd_mm_mmm64, &SimdInt.Pmaddwd);
        Low(Code.Pand_mm_mmm64, &SimdInt.Pand);
        Low(Code.Pandn_mm_mmm64, &SimdInt.Pandn);
        Low(Code.Por_mm_mmm64, &SimdInt.Por);
        Low(Code.Pxor_mm_mmm64, &SimdInt.Pxor);
        Low(Code.Pcmpeqb_mm_mmm64, &SimdInt.Pcmpeqb);
        Low(Code.Pcmpeqw_mm_mmm64, &SimdInt.Pcmpeqw);
        Low(Code.Pcmpeqd_mm_mmm64, &SimdInt.Pcmpeqd);
        Low(Code.Pcmpgtb_mm_mmm64, &SimdInt.Pcmpgtb);
        Low(Code.Pcmpgtw_mm_mmm64, &SimdInt.Pcmpgtw);
        Low(Code.Pcmpgtd_mm_mmm64, &SimdInt.Pcmpgtd);
        Low(Code.Psllw_mm_mmm64, &SimdInt.Psllw);
        Low(Code.Pslld_mm_mmm64, &SimdInt.Pslld);
        Low(Code.Psllq_mm_mmm64, &SimdInt.Psllq);
        Low(Code.Psrlw_mm_mmm64, &SimdInt.Psrlw);
        Low(Code.Psrld_mm_mmm64, &SimdInt.Psrld);
        Low(Code.Psrlq_mm_mmm64, &SimdInt.Psrlq);
        Low(Code.Psraw_mm_mmm64, &SimdInt.Psraw);
        Low(Code.Psrad_mm_mmm64, &SimdInt.Psrad);
        Shift(Code.Psllw_mm_imm8, &SimdInt.Psllw);
        Shift(Code.Pslld_mm_imm8, &SimdInt.Pslld);
        Shift(Code.Psllq_mm_imm8, &SimdInt.Psllq);
        Shift(Code.Psrlw_mm_imm8, &SimdInt.Psrlw);
        Shift(Code.Psrld_mm_imm8, &SimdInt.Psrld);
        Shift(Code.Psrlq_mm_imm8, &SimdInt.Psrlq);
        Shift(Code.Psraw_mm_imm8, &SimdInt.Psraw);
        Shift(Code.Psrad_mm_imm8, &SimdInt.Psrad);
        Low(Code.Punpcklbw_mm_mmm32, &SimdInt.Punpcklbw);
        Low(Code.Punpcklwd_mm_mmm32, &SimdInt.Punpcklwd);
        Low(Code.Punpckldq_mm_mmm32, &SimdInt.Punpckldq);
        Own(Code.Punpckhbw_mm_mmm64, &MmxInt.Punpckhbw);
        Own(Code.Punpckhwd_mm_mmm64, &MmxInt.Punpckhwd);
        Own(Code.Punpckhdq_mm_mmm64, &MmxInt.Punpckhdq);
        Own(Code.Packsswb_mm_mmm64, &MmxInt.Packsswb);
        Own(Code.Packssdw_mm_mmm64, &MmxInt.Packssdw);
        Own(Code.Packuswb_mm_mmm64, &MmxInt.Packuswb);

        // SSE / SSE2 integer instructions on MMX registers.
        Low(Code.Pavgb_mm_mmm64, &SimdInt.Pavgb);
        Low(Code.Pavgw_mm_mmm64, &SimdInt.Pavgw);
        Low(Code.Pmaxsw_mm_mmm64, &SimdInt.Pmaxsw);
        Low(Code.Pmaxub_mm_mmm64, &SimdInt.Pmaxub);
        Low(Code.Pminsw_mm_mmm64, &SimdInt.Pminsw);
        Low(Code.Pminub_mm_mmm64, &SimdInt.Pminub);
        Low(Code.Psadbw_mm_mmm64, &SimdInt.Psadbw);
        OwnImm(Code.Pshufw_mm_mmm64_imm8, &MmxInt.Pshufw);

        if (Ssse3.IsSupported)
        {
            Own(Code.Pshufb_mm_mmm64, &MmxInt.Pshufb);
            Own(Code.Phaddw_mm_mmm64, &MmxInt.Phaddw);
            Own(Code.Phaddd_mm_mmm64, &MmxInt.Phaddd);
            Own(Code.Phaddsw_mm_mmm64, &MmxInt.Phaddsw);
            Own(Code.Phsubw_mm_mmm64, &MmxInt.Phsubw);
            Own(Code.Phsubd_mm_mmm64, &MmxInt.Phsubd);
            Own(Code.Phsubsw_mm_mmm64, &MmxInt.Phsubsw);
            Low(Code.Pmaddubsw_mm_mmm64, &SimdInt.Pmaddubsw);
            Low(Code.Pmulhrsw_mm_mmm64, &SimdInt.Pmulhrsw);
            Low(Code.Psignb_mm_mmm64, &SimdInt.Psignb);
            Low(Code.Psignw_mm_mmm64, &SimdInt.Psignw);
            Low(Code.Psignd_mm_mmm64, &SimdInt.Psignd);
            Low(Code.Pabsb_mm_mmm64, &SimdInt.Pabsb);
            Low(Code.Pabsw_mm_mmm64, &SimdInt.Pabsw);
            Low(Code.Pabsd_mm_mmm64, &SimdInt.Pabsd);
            OwnImm(Code.Palignr_mm_mmm64_imm8, &MmxInt.Palignr);
        }

        MmxMoves.Register();
    }

    static void Low(Code c, delegate*<V, V, V> f) { ops[(int)c] = (nint)f; HandlerTable.Add(c, &LowBinary); }
    static void Shift(Code c, delegate*<V, V, V> f) { ops[(int)c] = (nint)f; HandlerTable.Add(c, &ShiftImm); }
    static void Own(Code c, delegate*<ulong, ulong, ulong> f) { ops[(int)c] = (nint)f; HandlerTable.Add(c, &OwnBinary); }
    static void OwnImm(Code c, delegate*<ulong, ulong, byte, ulong> f) { ops[(int)c] = (nint)f; HandlerTable.Add(c, &OwnBinaryImm); }

    /// <summary>MM register number of operand <paramref name="op"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int M(in Instruction i, int op) => i.GetOpRegister(op) - Reg.MM0;

    /// <summary>Operand <paramref name="op"/>: an MMX register, or memory of the instruction's size
    /// (8 bytes; 4 for punpckl*; 2 for pinsrw), zero-extended. MMX accesses need no alignment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Src(CpuState* s, in Instruction i, int op)
    {
        if (i.GetOpKind(op) == OpKind.Register) return Mmx.Read(s, M(in i, op));
        return GuestMemory.Read(Operands.Ea(s, in i), i.MemorySize.GetSize());
    }

    /// <summary>Ends an instruction that writes MMn: the transition to MMX mode, then the write.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Result(CpuState* s, int n, ulong v)
    {
        Mmx.Enter(s);
        Mmx.Write(s, n, v);
    }

    /// <summary>mm = low half of the XMM form on (mm, mm/m).</summary>
    static void LowBinary(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        ulong b = Src(s, in i, 1);
        int d = M(in i, 0);
        Result(s, d, MmxInt.Low((delegate*<V, V, V>)ops[(int)i.Code], Mmx.Read(s, d), b));
    }

    /// <summary>psllw/psrad/... mm, imm8: the shift-by-register method with the count from imm8.</summary>
    static void ShiftImm(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        int d = M(in i, 0);
        Result(s, d, MmxInt.Low((delegate*<V, V, V>)ops[(int)i.Code], Mmx.Read(s, d), i.Immediate8));
    }

    /// <summary>mm = f(mm, mm/m).</summary>
    static void OwnBinary(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        ulong b = Src(s, in i, 1);
        int d = M(in i, 0);
        Result(s, d, ((delegate*<ulong, ulong, ulong>)ops[(int)i.Code])(Mmx.Read(s, d), b));
    }

    /// <summary>mm = f(mm, mm/m, imm8).</summary>
    static void OwnBinaryImm(Cpu cpu, in Instruction i)
    {
        var s = cpu.S;
        Mmx.Begin(s, i.IP);
        ulong b = Src(s, in i, 1);
        int d = M(in i, 0);
        Result(s, d, ((delegate*<ulong, ulong, byte, ulong>)ops[(int)i.Code])(Mmx.Read(s, d), b, i.Immediate8));
    }
}
