using UniJit.Runtime.Memory;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Fs;

/// <summary>The calls that create or change descriptors themselves: dup*, pipe*, socketpair, fcntl, ioctl.
/// fcntl's fd-number commands and FD_CLOEXEC work on the guest's table; the rest go to the host fd.</summary>
public static unsafe class DescriptorCalls
{
    const int O_CLOEXEC = 0x80000, O_NONBLOCK = 0x800, O_DIRECT = 0x4000, O_NOTIFICATION_PIPE = O_DIRECT;
    const int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_DUPFD_CLOEXEC = 1030, FD_CLOEXEC = 1;

    public static long Dup(Kernel k, in SysArgs a) => k.Fds.Dup(a.I(0), 0, false);

    public static long Dup2(Kernel k, in SysArgs a)
    {
        if (a.I(0) == a.I(1)) return k.Fds.IsOpen(a.I(0)) ? a.I(1) : -Errno.EBADF;
        return k.Fds.Dup2(a.I(0), a.I(1), false);
    }

    public static long Dup3(Kernel k, in SysArgs a)
    {
        if ((a.I(2) & ~O_CLOEXEC) != 0 || a.I(0) == a.I(1)) return -Errno.EINVAL;
        return k.Fds.Dup2(a.I(0), a.I(1), (a.I(2) & O_CLOEXEC) != 0);
    }

    public static long Pipe(Kernel k, in SysArgs a) => Pair(k, a.A0, 293 /* pipe2 */, 0, 0, 0, 0);
    public static long Pipe2(Kernel k, in SysArgs a)
    {
        if ((a.I(1) & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) != 0) return -Errno.EINVAL;
        return Pair(k, a.A0, 293, a.I(1), 0, 0, a.I(1) & O_CLOEXEC);
    }

    public static long SocketPair(Kernel k, in SysArgs a) =>
        Pair(k, a.A3, 53 /* socketpair */, a.I(0), a.I(1), a.I(2), a.I(1) & O_CLOEXEC);

    /// <summary>pipe2(fds, flags) or socketpair(d, t, p, fds): the host creates two fds, the guest gets its own numbers.</summary>
    static long Pair(Kernel k, ulong outAddr, int nr, int x, int y, int z, int cloexec)
    {
        Guest.Out(outAddr, 8);
        int* fds = stackalloc int[2];
        long r = nr == 293
            ? Native.Sys(nr, (long)fds, x | O_CLOEXEC)
            : Native.Sys(nr, x, y | O_CLOEXEC, z, (long)fds);
        if (r < 0) return r;
        long g0 = k.Fds.Install(fds[0], cloexec != 0);
        if (g0 < 0) { Native.Sys(3, fds[1]); return g0; }
        long g1 = k.Fds.Install(fds[1], cloexec != 0);
        if (g1 < 0) { k.Fds.Close((int)g0); return g1; }
        Guest.Write(outAddr, (int)g0);
        Guest.Write(outAddr + 4, (int)g1);
        return 0;
    }

    public static long Fcntl(Kernel k, in SysArgs a)
    {
        int fd = a.I(0), cmd = a.I(1);
        int host = k.Fds.Host(fd);
        if (host < 0) return host;
        switch (cmd)
        {
            case F_DUPFD: return k.Fds.Dup(fd, a.I(2), false);
            case F_DUPFD_CLOEXEC: return k.Fds.Dup(fd, a.I(2), true);
            case F_GETFD: return k.Fds.GetCloExec(fd) ? FD_CLOEXEC : 0;
            case F_SETFD: k.Fds.SetCloExec(fd, (a.I(2) & FD_CLOEXEC) != 0); return 0;
            case 3 /* F_GETFL */: case 4 /* F_SETFL */: case 8 /* F_SETOWN */: case 9 /* F_GETOWN */:
            case 10 /* F_SETSIG */: case 11 /* F_GETSIG */: case 1024 /* F_SETLEASE */: case 1025 /* F_GETLEASE */:
            case 1026 /* F_NOTIFY */: case 1031 /* F_SETPIPE_SZ */: case 1032 /* F_GETPIPE_SZ */:
            case 1033 /* F_ADD_SEALS */: case 1034 /* F_GET_SEALS */:
                return Native.Sys(72, host, cmd, (long)a.A2);
            case 5 /* F_GETLK */: case 36 /* F_OFD_GETLK */:
                return Native.Sys(72, host, cmd, (long)Guest.Out(a.A2, 32));
            case 6 /* F_SETLK */: case 7 /* F_SETLKW */: case 37 /* F_OFD_SETLK */: case 38 /* F_OFD_SETLKW */:
                return Native.Sys(72, host, cmd, (long)Guest.In(a.A2, 32));
            case 15 /* F_SETOWN_EX */: return Native.Sys(72, host, cmd, (long)Guest.In(a.A2, 8));
            case 16 /* F_GETOWN_EX */: return Native.Sys(72, host, cmd, (long)Guest.Out(a.A2, 8));
            default: return -Errno.EINVAL;
        }
    }

    /// <summary>ioctl: the terminal and byte-count requests common programs make, forwarded with their
    /// argument's size known; anything else is ENOTTY (the answer for "not a terminal / not supported").</summary>
    public static long Ioctl(Kernel k, in SysArgs a)
    {
        int fd = a.I(0);
        int host = k.Fds.Host(fd);
        if (host < 0) return host;
        uint req = (uint)a.A1;
        const int Termios = 36, Winsize = 8;
        switch (req)
        {
            case 0x5401: /* TCGETS */ return Native.Sys(16, host, req, (long)Guest.Out(a.A2, Termios));
            case 0x5402: case 0x5403: case 0x5404: /* TCSETS, TCSETSW, TCSETSF */
                return Native.Sys(16, host, req, (long)Guest.In(a.A2, Termios));
            case 0x5413: /* TIOCGWINSZ */ return Native.Sys(16, host, req, (long)Guest.Out(a.A2, Winsize));
            case 0x5414: /* TIOCSWINSZ */ return Native.Sys(16, host, req, (long)Guest.In(a.A2, Winsize));
            case 0x541B: /* FIONREAD */ case 0x540F: /* TIOCGPGRP */ case 0x80045430: /* TIOCGPTN */ case 0x5429: /* TIOCGSID */
            case 0x5411: /* TIOCOUTQ */
                return Native.Sys(16, host, req, (long)Guest.Out(a.A2, 4));
            case 0x5421: /* FIONBIO */ case 0x5452: /* FIOASYNC */ case 0x5410: /* TIOCSPGRP */ case 0x40045431: /* TIOCSPTLCK */
                return Native.Sys(16, host, req, (long)Guest.In(a.A2, 4));
            case 0x540B: /* TCFLSH */ case 0x5409: /* TCSBRK */ case 0x540A: /* TCXONC */ case 0x540E: /* TIOCSCTTY */
            case 0x5422: /* TIOCNOTTY */
                return Native.Sys(16, host, req, (long)a.A2);
            case 0x5451: /* FIOCLEX */ k.Fds.SetCloExec(fd, true); return 0;
            case 0x5450: /* FIONCLEX */ k.Fds.SetCloExec(fd, false); return 0;
            default: return Net.InterfaceIoctls.Try(host, req, a.A2) ?? -Errno.ENOTTY;
        }
    }
}
