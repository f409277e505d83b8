using System.Buffers.Binary;
using System.Numerics;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Semantics;

/// <summary>Bit scans and counts, shared by the interpreter and the IL tier. The scans take and return
/// the destination's full 64-bit value: with a zero source, bsf/bsr leave the register untouched.</summary>
public static unsafe class Bits
{
    public static ulong Bsf(CpuState* s, ulong src, ulong oldFull)
    {
        if (src == 0) { Flags.SetEager(s, Flags.ZF, Flags.ZF); return oldFull; }
        Flags.SetEager(s, Flags.ZF, 0);
        return (ulong)BitOperations.TrailingZeroCount(src);
    }

    public static ulong Bsr(CpuState* s, ulong src, ulong oldFull)
    {
        if (src == 0) { Flags.SetEager(s, Flags.ZF, Flags.ZF); return oldFull; }
        Flags.SetEager(s, Flags.ZF, 0);
        return (ulong)(63 - BitOperations.LeadingZeroCount(src));
    }

    public static ulong Tzcnt(CpuState* s, int size, ulong v)
    {
        ulong r = v == 0 ? (ulong)(size * 8) : (ulong)BitOperations.TrailingZeroCount(v);
        Flags.SetEager(s, Flags.CF | Flags.ZF, (v == 0 ? Flags.CF : 0) | (r == 0 ? Flags.ZF : 0));
        return r;
    }

    public static ulong Lzcnt(CpuState* s, int size, ulong v)
    {
        ulong r = (ulong)(BitOperations.LeadingZeroCount(v) - (64 - size * 8));
        Flags.SetEager(s, Flags.CF | Flags.ZF, (v == 0 ? Flags.CF : 0) | (r == 0 ? Flags.ZF : 0));
        return r;
    }

    public static ulong Popcnt(CpuState* s, ulong v)
    {
        Flags.SetArith(s, v == 0 ? Flags.ZF : 0);
        return (ulong)BitOperations.PopCount(v);
    }

    /// <summary>bswap of a 32- or 64-bit value (16-bit bswap is undefined; it gives 0 here).</summary>
    public static ulong Bswap(int size, ulong v) =>
        size == 8 ? BinaryPrimitives.ReverseEndianness(v) : size == 4 ? BinaryPrimitives.ReverseEndianness((uint)v) : 0;
}
