using System.Text;
using UniJit.Runtime.Memory;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Fs;

/// <summary>open, close and the calls whose paths need more than translation: the /proc files that must
/// describe the guest rather than the host (exe, maps, cwd), and the current directory.</summary>
public static unsafe class FileCalls
{
    public const int O_CREAT = 0x40, O_EXCL = 0x80, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000, O_TMPFILE = 0x410000;
    const int AT_FDCWD = PathResolver.AT_FDCWD;

    public static long Open(Kernel k, in SysArgs a) => OpenAt(k, AT_FDCWD, a.A0, a.I(1), a.I(2));
    public static long OpenAt(Kernel k, in SysArgs a) => OpenAt(k, a.I(0), a.A1, a.I(2), a.I(3));
    public static long Creat(Kernel k, in SysArgs a) => OpenAt(k, AT_FDCWD, a.A0, 0x241 /* O_CREAT|O_WRONLY|O_TRUNC */, a.I(1));

    static long OpenAt(Kernel k, int dirFd, ulong pathAddr, int flags, int mode)
    {
        byte[] path = Guest.CStr(pathAddr);
        bool cloexec = (flags & O_CLOEXEC) != 0;
        if (ProcFiles.Synthesize(k, PathResolver.Text(path)) is byte[] content)
            return MemFile(k, content, cloexec);
        bool follow = (flags & O_NOFOLLOW) == 0 && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
        var r = k.Paths.Resolve(dirFd, ProcFiles.Redirect(k, path), follow);
        byte* p = Guest.HostCStr(r.Path);
        try
        {
            long h = Native.Sys(257 /* openat */, r.DirFd, (long)p, flags | O_CLOEXEC, mode);
            return h < 0 ? h : k.Fds.Install((int)h, cloexec);
        }
        finally { Guest.Free(p); }
    }

    static readonly long MemfdName = (long)Guest.HostCStr("unijit-proc"u8);

    /// <summary>A read-only fd whose content is <paramref name="content"/> (a memfd, rewound).</summary>
    static long MemFile(Kernel k, byte[] content, bool cloexec)
    {
        long h = Native.Sys(319 /* memfd_create */, MemfdName, 1 /* MFD_CLOEXEC */);
        if (h < 0) return h;
        fixed (byte* c = content) Native.Sys(1, h, (long)c, content.Length);
        Native.Sys(8 /* lseek */, h, 0, 0);
        return k.Fds.Install((int)h, cloexec);
    }

    public static long Close(Kernel k, in SysArgs a) => k.Fds.Close(a.I(0));

    public static long ReadLink(Kernel k, in SysArgs a) => ReadLinkAt(k, AT_FDCWD, a.A0, a.A1, a.A2);
    public static long ReadLinkAt(Kernel k, in SysArgs a) => ReadLinkAt(k, a.I(0), a.A1, a.A2, a.A3);

    static long ReadLinkAt(Kernel k, int dirFd, ulong pathAddr, ulong buf, ulong size)
    {
        if ((long)size <= 0) return -Errno.EINVAL;
        byte[] path = Guest.CStr(pathAddr);
        string? target = ProcFiles.LinkTarget(k, PathResolver.Text(path));
        if (target != null)
        {
            byte[] t = PathResolver.Raw(target);
            int n = (int)Math.Min((ulong)t.Length, size);
            Guest.WriteBytes(buf, t.AsSpan(0, n));
            return n;
        }
        var r = k.Paths.Resolve(dirFd, path, follow: false);
        byte* p = Guest.HostCStr(r.Path);
        try { return Native.Sys(267 /* readlinkat */, r.DirFd, (long)p, (long)Guest.Out(buf, size), (long)size); }
        finally { Guest.Free(p); }
    }

    public static long GetCwd(Kernel k, in SysArgs a)
    {
        byte[] cwd = PathResolver.Raw(k.Paths.GuestCwd() + "\0");
        if (a.A1 < (ulong)cwd.Length) return -Errno.ERANGE;
        Guest.WriteBytes(a.A0, cwd);
        return cwd.Length;
    }

    public static long Chdir(Kernel k, in SysArgs a)
    {
        var r = k.Paths.Resolve(AT_FDCWD, Guest.CStr(a.A0));
        byte* p = Guest.HostCStr(r.Path);
        try { return Native.Sys(80 /* chdir */, (long)p); }
        finally { Guest.Free(p); }
    }
}
