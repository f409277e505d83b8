using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using UniJit.Runtime.Interpreter;
using UniJit.Runtime.Memory;

namespace UniJit.IlBackend.Emit;

/// <summary>
/// Guest memory accessors as translated code calls them: the same checked <see cref="GuestMemory"/>
/// operations, kept out of line on purpose. Measured on this machine (bench/Micro and the notes in
/// docs/PERFORMANCE.md): letting RyuJIT inline the permission check at 60 sites of one DynamicMethod
/// multiplied its compile time by about 100 (0.3 ms → 30+ ms), while a call costs a few ns at run time.
/// </summary>
public static unsafe class MemoryCalls
{
    [MethodImpl(MethodImplOptions.NoInlining)] public static byte Read8(ulong a) => GuestMemory.Read8(a);
    [MethodImpl(MethodImplOptions.NoInlining)] public static ushort Read16(ulong a) => GuestMemory.Read16(a);
    [MethodImpl(MethodImplOptions.NoInlining)] public static uint Read32(ulong a) => GuestMemory.Read32(a);
    [MethodImpl(MethodImplOptions.NoInlining)] public static ulong Read64(ulong a) => GuestMemory.Read64(a);
    [MethodImpl(MethodImplOptions.NoInlining)] public static void Write8(ulong a, byte v) => GuestMemory.Write8(a, v);
    [MethodImpl(MethodImplOptions.NoInlining)] public static void Write16(ulong a, ushort v) => GuestMemory.Write16(a, v);
    [MethodImpl(MethodImplOptions.NoInlining)] public static void Write32(ulong a, uint v) => GuestMemory.Write32(a, v);
    [MethodImpl(MethodImplOptions.NoInlining)] public static void Write64(ulong a, ulong v) => GuestMemory.Write64(a, v);

    // XMM operands: 16 bytes (legacy SSE requires 16-byte alignment unless the instruction is an
    // unaligned one: the alignment #GP comes first, as in SseHandlers.Load), or 8/4 bytes
    // zero-extended to a vector, or a scalar read as its floating-point type.
    [MethodImpl(MethodImplOptions.NoInlining)] public static Vector128<byte> ReadV128(ulong a) => Vector128.Load(GuestMemory.R(a, 16));
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Vector128<byte> ReadV128Aligned(ulong a)
    {
        if ((a & 15) != 0) SseHandlers.Misaligned();
        return Vector128.Load(GuestMemory.R(a, 16));
    }
    [MethodImpl(MethodImplOptions.NoInlining)] public static Vector128<byte> ReadV64(ulong a) => Vector128.CreateScalar(GuestMemory.Read64(a)).AsByte();
    [MethodImpl(MethodImplOptions.NoInlining)] public static Vector128<byte> ReadV32(ulong a) => Vector128.CreateScalar(GuestMemory.Read32(a)).AsByte();
    [MethodImpl(MethodImplOptions.NoInlining)] public static double ReadF64(ulong a) => BitConverter.UInt64BitsToDouble(GuestMemory.Read64(a));
    [MethodImpl(MethodImplOptions.NoInlining)] public static float ReadF32(ulong a) => BitConverter.UInt32BitsToSingle(GuestMemory.Read32(a));
    [MethodImpl(MethodImplOptions.NoInlining)] public static void WriteV128(ulong a, Vector128<byte> v) => Vector128.Store(v, GuestMemory.W(a, 16));
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void WriteV128Aligned(ulong a, Vector128<byte> v)
    {
        if ((a & 15) != 0) SseHandlers.Misaligned();
        Vector128.Store(v, GuestMemory.W(a, 16));
    }
}
