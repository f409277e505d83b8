using System.Numerics;
using System.Runtime.CompilerServices;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Semantics;

/// <summary>The kind of the last lazily recorded flag-setting operation.</summary>
public enum FlagOp
{
    /// <summary>The arithmetic flags are materialized in <see cref="CpuState.Rflags"/>.</summary>
    None = 0,
    Add, Adc, Sub, Sbb, Logic,
    /// <summary>inc/dec: CF is kept materialized in Rflags, the rest is lazy.</summary>
    Inc, Dec,
}

/// <summary>
/// Lazy EFLAGS. A flag-setting operation records (op, size, dst, src, result); a flag is derived
/// only when something reads it. Everything that knows how flags are computed lives here, so the
/// interpreter and the IL tier share one definition (Intel SDM vol. 1, 3.4.3).
/// </summary>
public static unsafe class Flags
{
    public const ulong CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400, OF = 0x800;
    public const ulong ID = 1UL << 21, AC = 1UL << 18;
    public const ulong Arith = CF | PF | AF | ZF | SF | OF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mask(int size) => size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SignBit(int size) => 1UL << (size * 8 - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Record(CpuState* s, FlagOp op, int size, ulong dst, ulong src, ulong res)
    {
        s->FlagOp = (int)op;
        s->FlagSize = size;
        s->FlagDst = dst;
        s->FlagSrc = src;
        s->FlagRes = res;
    }

    /// <summary>Records inc/dec, which leave CF as it was.</summary>
    public static void RecordIncDec(CpuState* s, bool inc, int size, ulong dst, ulong res)
    {
        ulong cf = GetCF(s) ? CF : 0;
        s->Rflags = (s->Rflags & ~CF) | cf;
        Record(s, inc ? FlagOp.Inc : FlagOp.Dec, size, dst, 1, res);
    }

    /// <summary>Sets the arithmetic flags in <paramref name="mask"/> to <paramref name="value"/>,
    /// keeping the others (materializing the lazy state first).</summary>
    public static void SetEager(CpuState* s, ulong mask, ulong value)
    {
        ulong f = Get(s);
        s->Rflags = (f & ~mask) | (value & mask);
        s->FlagOp = (int)FlagOp.None;
    }

    /// <summary>Replaces all six arithmetic flags.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetArith(CpuState* s, ulong value)
    {
        s->Rflags = (s->Rflags & ~Arith) | (value & Arith);
        s->FlagOp = (int)FlagOp.None;
    }

    public static bool Parity(ulong v) => (BitOperations.PopCount(v & 0xFF) & 1) == 0;

    public static bool GetCF(CpuState* s)
    {
        int size = s->FlagSize;
        ulong m = Mask(size);
        ulong d = s->FlagDst & m, r = s->FlagRes & m, src = s->FlagSrc & m;
        return (FlagOp)s->FlagOp switch
        {
            FlagOp.None or FlagOp.Inc or FlagOp.Dec => (s->Rflags & CF) != 0,
            FlagOp.Add => r < d,
            FlagOp.Adc => r <= d,
            FlagOp.Sub => d < src,
            FlagOp.Sbb => d <= src,
            _ => false,
        };
    }

    public static bool GetOF(CpuState* s)
    {
        int size = s->FlagSize;
        ulong sign = SignBit(size);
        ulong d = s->FlagDst, r = s->FlagRes, src = s->FlagSrc;
        return (FlagOp)s->FlagOp switch
        {
            FlagOp.None => (s->Rflags & OF) != 0,
            FlagOp.Add or FlagOp.Adc => ((d ^ r) & (src ^ r) & sign) != 0,
            FlagOp.Sub or FlagOp.Sbb => ((d ^ src) & (d ^ r) & sign) != 0,
            FlagOp.Inc => (r & Mask(size)) == sign,
            FlagOp.Dec => (r & Mask(size)) == sign - 1,
            _ => false,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GetZF(CpuState* s) =>
        s->FlagOp == 0 ? (s->Rflags & ZF) != 0 : (s->FlagRes & Mask(s->FlagSize)) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GetSF(CpuState* s) =>
        s->FlagOp == 0 ? (s->Rflags & SF) != 0 : (s->FlagRes & SignBit(s->FlagSize)) != 0;

    public static bool GetPF(CpuState* s) =>
        s->FlagOp == 0 ? (s->Rflags & PF) != 0 : Parity(s->FlagRes);

    public static bool GetAF(CpuState* s) => (FlagOp)s->FlagOp switch
    {
        FlagOp.None => (s->Rflags & AF) != 0,
        FlagOp.Logic => false,
        _ => ((s->FlagDst ^ s->FlagSrc ^ s->FlagRes) & 0x10) != 0,
    };

    /// <summary>The full RFLAGS value (bit 1 always set).</summary>
    public static ulong Get(CpuState* s)
    {
        if (s->FlagOp == 0) return s->Rflags | 2;
        ulong f = s->Rflags & ~Arith;
        if (GetCF(s)) f |= CF;
        if (GetPF(s)) f |= PF;
        if (GetAF(s)) f |= AF;
        if (GetZF(s)) f |= ZF;
        if (GetSF(s)) f |= SF;
        if (GetOF(s)) f |= OF;
        return f | 2;
    }

    /// <summary>Writes RFLAGS (popf, sahf, ...), keeping only the bits user code may change.</summary>
    public static void Set(CpuState* s, ulong value)
    {
        const ulong writable = Arith | DF | AC | ID;
        s->Rflags = (s->Rflags & ~writable) | (value & writable) | 2;
        s->FlagOp = 0;
    }

    /// <summary>Evaluates condition code <paramref name="cc"/> (0=O .. 15=G, Intel's encoding order).</summary>
    public static bool Cond(CpuState* s, int cc)
    {
        var op = (FlagOp)s->FlagOp;
        if (op == FlagOp.Sub)
        {
            int size = s->FlagSize;
            ulong m = Mask(size);
            ulong d = s->FlagDst & m, src = s->FlagSrc & m;
            int shift = 64 - size * 8;
            long sd = (long)(d << shift), ss = (long)(src << shift);
            switch (cc)
            {
                case 2: return d < src;
                case 3: return d >= src;
                case 4: return d == src;
                case 5: return d != src;
                case 6: return d <= src;
                case 7: return d > src;
                case 12: return sd < ss;
                case 13: return sd >= ss;
                case 14: return sd <= ss;
                case 15: return sd > ss;
            }
        }
        else if (op == FlagOp.Logic)
        {
            int shift = 64 - s->FlagSize * 8;
            long r = (long)(s->FlagRes << shift);
            switch (cc)
            {
                case 0: return false;
                case 1: return true;
                case 2: return false;
                case 3: return true;
                case 4: return r == 0;
                case 5: return r != 0;
                case 6: return r == 0;
                case 7: return r != 0;
                case 8: return r < 0;
                case 9: return r >= 0;
                case 12: return r < 0;
                case 13: return r >= 0;
                case 14: return r <= 0;
                case 15: return r > 0;
            }
        }
        bool v = (cc >> 1) switch
        {
            0 => GetOF(s),
            1 => GetCF(s),
            2 => GetZF(s),
            3 => GetCF(s) || GetZF(s),
            4 => GetSF(s),
            5 => GetPF(s),
            6 => GetSF(s) != GetOF(s),
            _ => GetZF(s) || GetSF(s) != GetOF(s),
        };
        return (cc & 1) == 0 ? v : !v;
    }
}
