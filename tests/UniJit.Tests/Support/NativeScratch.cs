using System.Runtime.InteropServices;

namespace UniJit.Tests.Support;

/// <summary>
/// The host-side scratch data area at <see cref="GuestCode.DataAddress"/> that every native-CPU
/// harness (integer differential, SSE, x87) shares: mapped once per test process, so that the
/// harnesses, whichever runs first, never fight over the fixed address. Its users run in the
/// "Guest" collection, one at a time.
/// </summary>
public static unsafe class NativeScratch
{
    static readonly object gate = new();
    static byte* data;

    [DllImport("libc", SetLastError = true)]
    static extern nint mmap(nint addr, nuint len, int prot, int flags, int fd, nint off);

    /// <summary>Maps (first call) and returns the host data area: <see cref="GuestCode.DataSize"/> bytes, read-write.</summary>
    public static byte* Data
    {
        get
        {
            lock (gate)
            {
                if (data != null) return data;
                const int PROT_RW = 3, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
                nint p = mmap((nint)GuestCode.DataAddress, (nuint)GuestCode.DataSize, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
                if (p != (nint)GuestCode.DataAddress)
                    throw new InvalidOperationException($"cannot map the native scratch area at 0x{GuestCode.DataAddress:x} (got 0x{p:x}, errno {Marshal.GetLastPInvokeError()})");
                data = (byte*)p;
                return data;
            }
        }
    }
}
