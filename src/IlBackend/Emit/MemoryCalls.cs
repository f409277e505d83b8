using System.Runtime.CompilerServices;
using UniJit.Runtime.Memory;

namespace UniJit.IlBackend.Emit;

/// <summary>
/// Guest memory accessors as translated code calls them: the same checked <see cref="GuestMemory"/>
/// operations, kept out of line on purpose. Measured on this machine (bench/Micro and the notes in
/// docs/PERFORMANCE.md): letting RyuJIT inline the permission check at 60 sites of one DynamicMethod
/// multiplied its compile time by about 100 (0.3 ms → 30+ ms), while a call costs a few ns at run time.
/// </summary>
public static class MemoryCalls
{
    [MethodImpl(MethodImplOptions.NoInlining)] public static byte Read8(ulong a) => GuestMemory.Read8(a);
    [MethodImpl(MethodImplOptions.NoInlining)] public static ushort Read16(ulong a) => GuestMemory.Read16(a);
    [MethodImpl(MethodImplOptions.NoInlining)] public static uint Read32(ulong a) => GuestMemory.Read32(a);
    [MethodImpl(MethodImplOptions.NoInlining)] public static ulong Read64(ulong a) => GuestMemory.Read64(a);
    [MethodImpl(MethodImplOptions.NoInlining)] public static void Write8(ulong a, byte v) => GuestMemory.Write8(a, v);
    [MethodImpl(MethodImplOptions.NoInlining)] public static void Write16(ulong a, ushort v) => GuestMemory.Write16(a, v);
    [MethodImpl(MethodImplOptions.NoInlining)] public static void Write32(ulong a, uint v) => GuestMemory.Write32(a, v);
    [MethodImpl(MethodImplOptions.NoInlining)] public static void Write64(ulong a, ulong v) => GuestMemory.Write64(a, v);
}
