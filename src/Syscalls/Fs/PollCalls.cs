using System.Runtime.InteropServices;
using UniJit.Runtime.Memory;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Fs;

/// <summary>poll, ppoll, select, pselect6: the fd numbers inside pollfd arrays and fd_sets are guest
/// numbers, so they are rewritten to host fds for the call and the results mapped back.</summary>
public static unsafe class PollCalls
{
    const short POLLNVAL = 0x20;

    [StructLayout(LayoutKind.Sequential)]
    struct PollFd { public int Fd; public short Events; public short Revents; }

    public static long Poll(Kernel k, in SysArgs a)
    {
        // poll(fds, n, timeout_ms) as ppoll with a timespec.
        int ms = a.I(2);
        if (ms < 0) return DoPoll(k, a.A0, a.A1, null, 0);
        long* ts = stackalloc long[2];
        ts[0] = ms / 1000; ts[1] = ms % 1000 * 1_000_000L;
        return DoPoll(k, a.A0, a.A1, ts, 0);
    }

    public static long PPoll(Kernel k, in SysArgs a)
    {
        long* ts = null;
        long* local = stackalloc long[2];
        if (a.A2 != 0) { ts = local; ts[0] = Guest.Read<long>(a.A2); ts[1] = Guest.Read<long>(a.A2 + 8); }
        if (a.A3 != 0 && a.A4 != 8) return -Errno.EINVAL;
        long r = DoPoll(k, a.A0, a.A1, ts, a.A3 == 0 ? 0 : (long)Guest.In(a.A3, 8));
        if (a.A2 != 0 && r >= 0) { Guest.Write(a.A2, ts[0]); Guest.Write(a.A2 + 8, ts[1]); }
        return r;
    }

    static long DoPoll(Kernel k, ulong fdsAddr, ulong n, long* ts, long sigmask)
    {
        if (n > (ulong)k.Fds.Limit) return -Errno.EINVAL;
        int count = (int)n;
        var fds = new PollFd[Math.Max(count, 1)];
        var bad = new bool[fds.Length];
        int nbad = 0;
        for (int i = 0; i < count; i++)
        {
            var g = Guest.Read<PollFd>(fdsAddr + (ulong)(i * 8));
            fds[i] = g;
            if (g.Fd < 0) continue;
            int h = k.Fds.Host(g.Fd);
            if (h < 0) { bad[i] = true; nbad++; fds[i].Fd = -1; }
            else fds[i].Fd = h;
        }
        if (count > 0) Guest.Out(fdsAddr, (ulong)count * 8);
        long* zero = stackalloc long[2];
        long r;
        fixed (PollFd* p = fds)
            r = Native.Sys(271 /* ppoll */, (long)p, count, nbad > 0 ? (long)zero : (long)ts, sigmask, 8);
        if (r < 0) return r;
        for (int i = 0; i < count; i++)
        {
            short rev = bad[i] ? POLLNVAL : fds[i].Revents;
            Guest.Write(fdsAddr + (ulong)(i * 8) + 6, rev);
        }
        return r + nbad;
    }

    public static long Select(Kernel k, in SysArgs a)
    {
        // select's timeval becomes a timespec; the remaining time is written back as Linux does.
        long* ts = null;
        long* local = stackalloc long[2];
        if (a.A4 != 0)
        {
            long sec = Guest.Read<long>(a.A4), usec = Guest.Read<long>(a.A4 + 8);
            if (sec < 0 || usec < 0) return -Errno.EINVAL;
            ts = local; ts[0] = sec + usec / 1_000_000; ts[1] = usec % 1_000_000 * 1000;
        }
        long r = DoSelect(k, a.I(0), a.A1, a.A2, a.A3, ts, 0);
        if (a.A4 != 0 && r >= 0) { Guest.Write(a.A4, ts[0]); Guest.Write(a.A4 + 8, ts[1] / 1000); }
        return r;
    }

    public static long PSelect6(Kernel k, in SysArgs a)
    {
        long* ts = null;
        long* local = stackalloc long[2];
        if (a.A4 != 0) { ts = local; ts[0] = Guest.Read<long>(a.A4); ts[1] = Guest.Read<long>(a.A4 + 8); }
        long* sig = stackalloc long[2];
        long sigArg = 0;
        if (a.A5 != 0)
        {
            ulong set = Guest.Read<ulong>(a.A5), size = Guest.Read<ulong>(a.A5 + 8);
            if (set != 0)
            {
                if (size != 8) return -Errno.EINVAL;
                sig[0] = (long)Guest.In(set, 8); sig[1] = 8;
                sigArg = (long)sig;
            }
        }
        long r = DoSelect(k, a.I(0), a.A1, a.A2, a.A3, ts, sigArg);
        if (a.A4 != 0 && r >= 0) { Guest.Write(a.A4, ts[0]); Guest.Write(a.A4 + 8, ts[1]); }
        return r;
    }

    /// <summary>pselect6 on host fd_sets built from the guest's; maps ready bits back to guest numbers.</summary>
    static long DoSelect(Kernel k, int nfds, ulong rAddr, ulong wAddr, ulong eAddr, long* ts, long sigArg)
    {
        if (nfds < 0 || nfds > k.Fds.Limit) return -Errno.EINVAL;
        ulong bytes = (ulong)((nfds + 63) / 64 * 8);
        ulong[] addrs = [rAddr, wAddr, eAddr];
        var guestSets = new ulong[3][];
        var map = new List<(int Guest, int Host)>();
        int maxHost = -1;
        for (int s = 0; s < 3; s++)
        {
            if (addrs[s] == 0) continue;
            guestSets[s] = new ulong[bytes / 8];
            if (bytes > 0)
            {
                new ReadOnlySpan<ulong>(Guest.In(addrs[s], bytes), (int)(bytes / 8)).CopyTo(guestSets[s]);
                Guest.Out(addrs[s], bytes);
            }
        }
        for (int fd = 0; fd < nfds; fd++)
        {
            bool any = false;
            for (int s = 0; s < 3; s++)
                if (guestSets[s] != null && (guestSets[s][fd / 64] & (1UL << (fd % 64))) != 0) any = true;
            if (!any) continue;
            int h = k.Fds.Host(fd);
            if (h < 0) return -Errno.EBADF;
            map.Add((fd, h));
            maxHost = Math.Max(maxHost, h);
        }
        int hostWords = (maxHost + 64) / 64;
        var hostSets = new ulong[3][];
        for (int s = 0; s < 3; s++)
        {
            if (guestSets[s] == null) continue;
            hostSets[s] = new ulong[Math.Max(hostWords, 1)];
            foreach (var (g, h) in map)
                if ((guestSets[s][g / 64] & (1UL << (g % 64))) != 0) hostSets[s][h / 64] |= 1UL << (h % 64);
        }
        long r;
        fixed (ulong* r0 = hostSets[0], w0 = hostSets[1], e0 = hostSets[2])
            r = Native.Sys(270 /* pselect6 */, maxHost + 1, (long)r0, (long)w0, (long)e0, (long)ts, sigArg);
        if (r < 0) return r;
        for (int s = 0; s < 3; s++)
        {
            if (guestSets[s] == null) continue;
            var result = new ulong[guestSets[s].Length];
            foreach (var (g, h) in map)
                if ((hostSets[s][h / 64] & (1UL << (h % 64))) != 0) result[g / 64] |= 1UL << (g % 64);
            if (bytes > 0) new ReadOnlySpan<ulong>(result).CopyTo(new Span<ulong>(Guest.Out(addrs[s], bytes), result.Length));
        }
        return r;
    }
}
