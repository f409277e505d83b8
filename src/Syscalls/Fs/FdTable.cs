using UniJit.Runtime.Memory;

namespace UniJit.Syscalls.Fs;

/// <summary>
/// The guest's file descriptors: guest fd → host fd and the guest's close-on-exec flag.
///
/// Why virtualize: UniJit runs in the same host process as the .NET runtime, which has descriptors
/// of its own (epoll, event pipes, loaded assemblies). The guest must neither see nor close them,
/// and it must get Linux's lowest-free-number rule in its own numbering. Host fds behind guest fds
/// are opened close-on-exec on the host; the guest's own FD_CLOEXEC lives here.
///
/// Guest 0, 1 and 2 are pinned to host 0, 1 and 2 (when those were open at start): installing a
/// descriptor there dup2s it onto the host number, and closing one puts /dev/null in its place
/// instead of freeing the host number (which the host's next open would otherwise reuse, letting
/// the runtime's own writes to stdout land in a guest file). A closed pinned fd still reads as
/// closed to the guest.
///
/// Descriptors the host process inherited without close-on-exec (a shell's <c>3&lt;file</c>, a make
/// jobserver pipe) are the guest's too, under the same numbers; the runtime opens all of its own
/// descriptors close-on-exec, which is how the two are told apart.
/// </summary>
public sealed class FdTable
{
    struct Entry
    {
        public int Host;
        public bool Used;
        public bool CloExec;
    }

    const int F_GETFD = 1, F_DUPFD_CLOEXEC = 1030, O_RDWR = 2, O_CLOEXEC = 0x80000, O_DIRECTORY = 0x10000;
    Entry[] entries = new Entry[64];
    readonly bool[] pinned = new bool[3];
    readonly object gate = new();

    /// <summary>RLIMIT_NOFILE for the guest: fds at or above it cannot be allocated (EMFILE).</summary>
    public int Limit = 1024;

    public FdTable()
    {
        for (int i = 0; i < 3; i++)
        {
            if (Native.Sys(72 /* fcntl */, i, F_GETFD) >= 0)
            {
                pinned[i] = true;
                entries[i] = new Entry { Host = i, Used = true };
            }
        }
        foreach (int fd in InheritedFds())
        {
            Native.Sys(72, fd, 2 /* F_SETFD */, 1 /* FD_CLOEXEC: the runtime's children must not get it */);
            if (fd >= entries.Length) Grow(Math.Max(entries.Length * 2, fd + 1));
            entries[fd] = new Entry { Host = fd, Used = true };
        }
    }

    /// <summary>Enlarges the table to <paramref name="n"/> entries (by hand: Array.Resize&lt;Entry&gt; would be
    /// JIT-compiled at start-up when the runtime inherits an fd above the table's first size).</summary>
    void Grow(int n)
    {
        var grown = new Entry[n];
        Array.Copy(entries, grown, entries.Length);
        entries = grown;
    }

    /// <summary>Host fds above 2 without FD_CLOEXEC: inherited from the parent, not opened by the runtime.
    /// Reads /proc/self/fd with getdents64 itself: this runs at every start, and the first use of the
    /// managed directory enumerator costs several milliseconds there.</summary>
    static unsafe List<int> InheritedFds()
    {
        var list = new List<int>();
        long dir;
        fixed (byte* path = "/proc/self/fd\0"u8)
            dir = Native.Sys(257 /* openat */, -100 /* AT_FDCWD */, (long)path, O_DIRECTORY | O_CLOEXEC);
        if (dir < 0) return list;
        const int Size = 4096;
        byte* buf = stackalloc byte[Size];
        long n;
        while ((n = Native.Sys(217 /* getdents64 */, dir, (long)buf, Size)) > 0)
        {
            // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name (NUL-terminated).
            for (long off = 0; off < n; off += *(ushort*)(buf + off + 16))
            {
                byte* name = buf + off + 19;
                int fd = 0, k = 0;
                for (; name[k] >= (byte)'0' && name[k] <= (byte)'9' && k < 9; k++) fd = fd * 10 + (name[k] - '0');
                // The directory's own fd is close-on-exec, so F_GETFD leaves it out.
                if (k > 0 && name[k] == 0 && fd > 2 && Native.Sys(72, fd, F_GETFD) == 0) list.Add(fd);
            }
        }
        Native.Sys(3 /* close */, dir);
        return list;
    }

    FdTable(Entry[] entries, int limit)
    {
        this.entries = entries;
        Limit = limit;
    }

    /// <summary>A vfork child's table: the same open files under the same numbers, on host fds of its own
    /// (nothing pinned), so that the child's dup2 and close leave the parent's descriptors alone.</summary>
    public FdTable CloneForChild()
    {
        lock (gate)
        {
            var copy = new Entry[entries.Length];
            for (int i = 0; i < entries.Length; i++)
            {
                if (!entries[i].Used) continue;
                long h = Native.Sys(72, entries[i].Host, F_DUPFD_CLOEXEC, 3);
                if (h >= 0) copy[i] = new Entry { Host = (int)h, Used = true, CloExec = entries[i].CloExec };
            }
            return new FdTable(copy, Limit);
        }
    }

    /// <summary>Closes every host fd of this table (a vfork child's, when the parent resumes).</summary>
    public void CloseAll()
    {
        lock (gate)
            for (int i = 0; i < entries.Length; i++)
                if (entries[i].Used && !(i < 3 && pinned[i])) { Native.Sys(3, entries[i].Host); entries[i] = default; }
    }

    /// <summary>The (guest fd, host fd) pairs that survive an exec (no close-on-exec).</summary>
    public List<(int Guest, int Host)> ForExec()
    {
        lock (gate)
            return Enumerable.Range(0, entries.Length).Where(i => entries[i].Used && !entries[i].CloExec)
                .Select(i => (i, entries[i].Host)).ToList();
    }

    /// <summary>The host fd behind guest fd <paramref name="fd"/>, or -EBADF.</summary>
    public int Host(int fd)
    {
        lock (gate)
            return fd >= 0 && fd < entries.Length && entries[fd].Used ? entries[fd].Host : -Errno.EBADF;
    }

    /// <summary>Like <see cref="Host"/> but throws EBADF.</summary>
    public int HostOrThrow(int fd)
    {
        int h = Host(fd);
        return h < 0 ? throw new SyscallError(Errno.EBADF) : h;
    }

    public bool IsOpen(int fd) => Host(fd) >= 0;

    /// <summary>Installs host fd <paramref name="host"/> at the lowest free guest number ≥ <paramref name="min"/>.
    /// Takes ownership of <paramref name="host"/> (closes it on failure). Returns the guest fd or -EMFILE.</summary>
    public int Install(int host, bool cloexec, int min = 0)
    {
        lock (gate)
        {
            int g = min;
            while (g < entries.Length && entries[g].Used) g++;
            if (g >= Limit) { Native.Sys(3, host); return -Errno.EMFILE; }
            return PlaceLocked(g, host, cloexec);
        }
    }

    /// <summary>Installs <paramref name="host"/> at guest fd <paramref name="fd"/>, closing what was there (dup2's rule).</summary>
    public int InstallAt(int fd, int host, bool cloexec)
    {
        lock (gate)
        {
            if (fd < 0 || fd >= Limit) { Native.Sys(3, host); return -Errno.EBADF; }
            if (fd < entries.Length && entries[fd].Used && !(fd < 3 && pinned[fd]))
                Native.Sys(3, entries[fd].Host);
            return PlaceLocked(fd, host, cloexec);
        }
    }

    int PlaceLocked(int g, int host, bool cloexec)
    {
        if (g >= entries.Length) Grow(Math.Max(entries.Length * 2, g + 1));
        if (g < 3 && pinned[g] && host != g)
        {
            long r = Native.Sys(292 /* dup3 */, host, g, 0);
            Native.Sys(3, host);
            if (r < 0) return (int)r;
            host = g;
        }
        entries[g] = new Entry { Host = host, Used = true, CloExec = cloexec };
        return g;
    }

    /// <summary>close(2) of a guest fd.</summary>
    public long Close(int fd)
    {
        lock (gate)
        {
            if (fd < 0 || fd >= entries.Length || !entries[fd].Used) return -Errno.EBADF;
            int h = entries[fd].Host;
            entries[fd] = default;
            if (fd < 3 && pinned[fd])
            {
                // Keep the host number occupied: /dev/null takes its place.
                long n = Native.Sys(2 /* open */, DevNull, O_RDWR | O_CLOEXEC);
                if (n >= 0) { Native.Sys(292, n, fd, 0); Native.Sys(3, n); }
                return 0;
            }
            long r = Native.Sys(3, h);
            // Linux releases the descriptor even when close reports an error (EINTR, EIO).
            return r == -Errno.EBADF ? 0 : r;
        }
    }

    static readonly unsafe long DevNull = (long)Guest.HostCStr("/dev/null"u8);

    public bool GetCloExec(int fd) { lock (gate) return entries[fd].CloExec; }

    public void SetCloExec(int fd, bool on) { lock (gate) if (fd >= 0 && fd < entries.Length && entries[fd].Used) entries[fd].CloExec = on; }

    /// <summary>dup/F_DUPFD: a new guest fd ≥ <paramref name="min"/> for the same open file.</summary>
    public long Dup(int fd, int min, bool cloexec)
    {
        int h = Host(fd);
        if (h < 0) return h;
        if (min < 0 || min >= Limit) return -Errno.EINVAL;
        long n = Native.Sys(72, h, F_DUPFD_CLOEXEC, 3);
        if (n < 0) return n;
        return Install((int)n, cloexec, min);
    }

    /// <summary>dup2/dup3: makes guest <paramref name="newFd"/> refer to what <paramref name="oldFd"/> does.</summary>
    public long Dup2(int oldFd, int newFd, bool cloexec)
    {
        int h = Host(oldFd);
        if (h < 0) return h;
        if (newFd < 0 || newFd >= Limit) return -Errno.EBADF;
        if (oldFd == newFd) return newFd;
        long n = Native.Sys(72, h, F_DUPFD_CLOEXEC, 3);
        if (n < 0) return n;
        return InstallAt(newFd, (int)n, cloexec);
    }

    /// <summary>Guest fds that are open, in order (for /proc/self/fd).</summary>
    public int[] OpenFds()
    {
        lock (gate)
        {
            var open = new List<int>();
            for (int i = 0; i < entries.Length; i++)
                if (entries[i].Used) open.Add(i);
            return open.ToArray();
        }
    }

    /// <summary>Closes every guest fd marked close-on-exec (for execve).</summary>
    public void CloseOnExec()
    {
        foreach (int fd in OpenFds())
            if (GetCloExec(fd)) Close(fd);
    }
}
