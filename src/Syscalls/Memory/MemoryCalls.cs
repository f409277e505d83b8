using UniJit.Runtime.Memory;
using UniJit.Syscalls.Table;

namespace UniJit.Syscalls.Memory;

/// <summary>mmap and friends: the VMA bookkeeping is <see cref="AddressSpace"/>'s; here guest fds become
/// host fds (with the file's name, device and inode kept for /proc/self/maps) and ranges are checked.</summary>
public static unsafe class MemoryCalls
{
    public static long Mmap(Kernel k, in SysArgs a)
    {
        ulong addr = a.A0, len = a.A1;
        int prot = a.I(2), flags = a.I(3), fd = a.I(4);
        long off = (long)a.A5;
        if ((prot & ~0x3000007) != 0) return -Errno.EINVAL;
        prot &= 7;
        if ((off & (long)GuestMemory.PageMask) != 0) return -Errno.EINVAL;
        if ((flags & Native.MAP_ANONYMOUS) != 0)
            return AddressSpace.Map(addr, len, prot, flags, -1, 0);
        int host = k.Fds.Host(fd);
        if (host < 0) return host;
        // Name, device and inode of the file, for /proc/self/maps.
        string? name = HostName(k, host);
        byte* st = stackalloc byte[144];
        ulong dev = 0, ino = 0;
        if (Native.Sys(5 /* fstat */, host, (long)st) == 0) { dev = *(ulong*)st; ino = *(ulong*)(st + 8); }
        return AddressSpace.Map(addr, len, prot, flags, host, off, name, dev, ino);
    }

    static string? HostName(Kernel k, int host)
    {
        string? t = Fs.PathResolver.ReadLink($"/proc/self/fd/{host}");
        if (t == null || !t.StartsWith('/')) return t;
        return k.Paths.ToGuest(t) ?? t;
    }

    public static long Munmap(Kernel k, in SysArgs a) => AddressSpace.Unmap(a.A0, a.A1);

    public static long Mprotect(Kernel k, in SysArgs a)
    {
        int prot = a.I(2);
        if ((prot & ~0x3000007) != 0) return -Errno.EINVAL;
        return AddressSpace.Protect(a.A0, a.A1, prot & 7);
    }

    public static long Mremap(Kernel k, in SysArgs a) => AddressSpace.Remap(a.A0, a.A1, a.A2, a.I(3), a.A4);

    public static long Brk(Kernel k, in SysArgs a) => (long)AddressSpace.Brk(a.A0);

    /// <summary>madvise: the host mapping mirrors the guest's, so advice (including MADV_DONTNEED's zeroing)
    /// is applied to the host range.</summary>
    public static long Madvise(Kernel k, in SysArgs a)
    {
        if ((a.A0 & GuestMemory.PageMask) != 0) return -Errno.EINVAL;
        ulong len = (a.A1 + GuestMemory.PageMask) & ~GuestMemory.PageMask;
        if (len == 0) return 0;
        if (a.A0 + len > GuestMemory.WindowSize || a.A0 + len < a.A0) return -Errno.EINVAL;
        for (ulong p = a.A0; p < a.A0 + len; p += GuestMemory.PageSize)
            if (!GuestMemory.IsMapped(p)) return -Errno.ENOMEM;
        int advice = a.I(2);
        if (advice is 4 /* DONTNEED */ or 8 /* FREE */ or 9 /* REMOVE */) GuestMemory.SetPerm(a.A0, a.A0 + len, PermsOf(a.A0, len));
        return Native.Sys(28, (long)(GuestMemory.Base + a.A0), (long)len, advice);
    }

    /// <summary>Current permission bytes are kept (SetPerm with the same value drops translated code on zeroed pages).</summary>
    static byte PermsOf(ulong addr, ulong len) => GuestMemory.Perm[addr >> GuestMemory.PageShift];

    public static long Msync(Kernel k, in SysArgs a)
    {
        if ((a.A0 & GuestMemory.PageMask) != 0) return -Errno.EINVAL;
        if (a.A1 == 0) return 0;
        if (!GuestMemory.Check(a.A0, a.A1, 0)) return -Errno.ENOMEM;
        return Native.Sys(26, (long)(GuestMemory.Base + a.A0), (long)a.A1, a.I(2));
    }

    public static long Mincore(Kernel k, in SysArgs a)
    {
        if ((a.A0 & GuestMemory.PageMask) != 0) return -Errno.EINVAL;
        ulong pages = (a.A1 + GuestMemory.PageMask) >> GuestMemory.PageShift;
        byte* vec = Guest.Out(a.A2, pages);
        for (ulong i = 0; i < pages; i++)
            if (!GuestMemory.IsMapped(a.A0 + (i << GuestMemory.PageShift))) return -Errno.ENOMEM;
        return Native.Sys(27, (long)(GuestMemory.Base + a.A0), (long)a.A1, (long)vec);
    }

    /// <summary>mlock, munlock and friends: ranges are checked and translated.</summary>
    public static long RangeCall(Kernel k, in SysArgs a)
    {
        if (a.A0 + a.A1 > GuestMemory.WindowSize) return -Errno.ENOMEM;
        return Native.Sys(a.Nr, (long)(GuestMemory.Base + a.A0), (long)a.A1, (long)a.A2);
    }
}
