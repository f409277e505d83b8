using System.Text;
using UniJit.Runtime.Memory;

namespace UniJit.Syscalls;

/// <summary>
/// Guest memory as system calls see it: ranges are checked before a host pointer is handed to the
/// host kernel (an unmapped range is -EFAULT, as on Linux), and ranges the host kernel will write
/// go through <see cref="GuestMemory.PrepareWrite"/> so translated code on those pages is dropped.
/// </summary>
public static unsafe class Guest
{
    public const int PathMax = 4096;

    /// <summary>Host pointer for [a, a+n) that the host will read; throws EFAULT if not readable.</summary>
    public static byte* In(ulong a, ulong n)
    {
        if (n != 0 && !GuestMemory.Check(a, n, GuestMemory.PermRead)) throw new SyscallError(Errno.EFAULT);
        return GuestMemory.Base + a;
    }

    /// <summary>Host pointer for [a, a+n) that the host will write; throws EFAULT if not writable.</summary>
    public static byte* Out(ulong a, ulong n)
    {
        if (n != 0 && !GuestMemory.Check(a, n, GuestMemory.PermWrite)) throw new SyscallError(Errno.EFAULT);
        GuestMemory.PrepareWrite(a, n);
        return GuestMemory.Base + a;
    }

    /// <summary>Host address of a guest pointer for the host kernel to use (NULL stays NULL); only checked
    /// to lie inside the guest window, so that the host kernel's own fault handling answers EFAULT.</summary>
    public static long Ptr(ulong a)
    {
        if (a == 0) return 0;
        if (a >= GuestMemory.WindowSize) throw new SyscallError(Errno.EFAULT);
        return (long)(GuestMemory.Base + a);
    }

    /// <summary>A NUL-terminated string's bytes; EFAULT if unreadable, ENAMETOOLONG past <paramref name="max"/>.</summary>
    public static byte[] CStr(ulong a, int max = PathMax)
    {
        if (a == 0) throw new SyscallError(Errno.EFAULT);
        var buf = new List<byte>(64);
        for (int i = 0; ; i++)
        {
            if (i >= max) throw new SyscallError(Errno.ENAMETOOLONG);
            ulong p = a + (ulong)i;
            if (!GuestMemory.Check(p, 1, GuestMemory.PermRead)) throw new SyscallError(Errno.EFAULT);
            byte b = GuestMemory.Base[p];
            if (b == 0) break;
            buf.Add(b);
        }
        return buf.ToArray();
    }

    public static string Str(ulong a, int max = PathMax) => Encoding.UTF8.GetString(CStr(a, max));

    public static T Read<T>(ulong a) where T : unmanaged => *(T*)In(a, (ulong)sizeof(T));

    public static void Write<T>(ulong a, T v) where T : unmanaged => *(T*)Out(a, (ulong)sizeof(T)) = v;

    public static void WriteBytes(ulong a, ReadOnlySpan<byte> src)
    {
        if (src.Length == 0) return;
        src.CopyTo(new Span<byte>(Out(a, (ulong)src.Length), src.Length));
    }

    /// <summary>A NUL-terminated copy of <paramref name="s"/> in unmanaged memory (free with <see cref="Free"/>).</summary>
    public static byte* HostCStr(ReadOnlySpan<byte> s)
    {
        byte* p = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)s.Length + 1);
        s.CopyTo(new Span<byte>(p, s.Length));
        p[s.Length] = 0;
        return p;
    }

    public static void Free(byte* p) => System.Runtime.InteropServices.NativeMemory.Free(p);
}
