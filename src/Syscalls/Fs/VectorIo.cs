using System.Runtime.InteropServices;
using UniJit.Runtime.Memory;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Fs;

/// <summary>readv, writev, preadv, pwritev (and their *2 forms): the iovec array holds guest pointers,
/// so it is copied and each buffer checked and translated before the host call.</summary>
public static unsafe class VectorIo
{
    const int IovMax = 1024;

    [StructLayout(LayoutKind.Sequential)]
    struct IoVec { public ulong Base; public ulong Len; }

    public static long Readv(Kernel k, in SysArgs a) => Run(k, in a, write: false);
    public static long Writev(Kernel k, in SysArgs a) => Run(k, in a, write: true);

    /// <summary>The call's own number and arguments, with fd and iovec translated (arguments 3.. pass through).</summary>
    static long Run(Kernel k, in SysArgs a, bool write)
    {
        int host = k.Fds.HostOrThrow(a.I(0));
        int n = a.I(2);
        if (n < 0 || n > IovMax) return -Errno.EINVAL;
        var iov = new IoVec[Math.Max(n, 1)];
        ulong total = 0;
        for (int i = 0; i < n; i++)
        {
            var g = Guest.Read<IoVec>(a.A1 + (ulong)(i * 16));
            if ((long)g.Len < 0) return -Errno.EINVAL;
            total += g.Len;
            if ((long)total < 0) return -Errno.EINVAL;
            iov[i].Len = g.Len;
            iov[i].Base = g.Len == 0 ? 0 : (ulong)(write ? Guest.In(g.Base, g.Len) : Guest.Out(g.Base, g.Len));
        }
        fixed (IoVec* p = iov)
            return Native.Sys(a.Nr, host, (long)p, n, (long)a.A3, (long)a.A4, (long)a.A5);
    }

    /// <summary>The bytes an iovec array describes, up to <paramref name="limit"/> (for strace).</summary>
    public static byte[] Gather(ulong iovAddr, int n, long limit)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < n && bytes.Count < limit; i++)
        {
            if (!GuestMemory.Check(iovAddr + (ulong)(i * 16), 16, GuestMemory.PermRead)) break;
            var g = *(IoVec*)(GuestMemory.Base + iovAddr + (ulong)(i * 16));
            ulong take = Math.Min(g.Len, (ulong)(limit - bytes.Count));
            if (take > 0 && GuestMemory.Check(g.Base, take, GuestMemory.PermRead))
                bytes.AddRange(new ReadOnlySpan<byte>(GuestMemory.Base + g.Base, (int)take).ToArray());
        }
        return bytes.ToArray();
    }
}
