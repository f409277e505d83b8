namespace UniJit.Syscalls.Strace;

/// <summary>Symbolic names of flag words and constants as strace prints them (values from the Linux UAPI headers).</summary>
public static class Symbols
{
    public static readonly (ulong Bit, string Name)[] OpenFlags =
    [
        (0x40, "O_CREAT"), (0x80, "O_EXCL"), (0x100, "O_NOCTTY"), (0x200, "O_TRUNC"), (0x400, "O_APPEND"),
        (0x800, "O_NONBLOCK"), (0x101000, "O_SYNC"), (0x1000, "O_DSYNC"), (0x2000, "O_ASYNC"), (0x4000, "O_DIRECT"),
        (0x8000, "O_LARGEFILE"), (0x410000, "O_TMPFILE"), (0x10000, "O_DIRECTORY"), (0x20000, "O_NOFOLLOW"),
        (0x40000, "O_NOATIME"), (0x80000, "O_CLOEXEC"), (0x200000, "O_PATH"),
    ];

    public static readonly (ulong, string)[] AtFlags =
    [
        (0x100, "AT_SYMLINK_NOFOLLOW"), (0x200, "AT_REMOVEDIR"), (0x400, "AT_SYMLINK_FOLLOW"),
        (0x800, "AT_NO_AUTOMOUNT"), (0x1000, "AT_EMPTY_PATH"), (0x2000, "AT_STATX_FORCE_SYNC"), (0x4000, "AT_STATX_DONT_SYNC"),
    ];

    public static readonly (ulong, string)[] AccessMode = [(4, "R_OK"), (2, "W_OK"), (1, "X_OK")];

    public static readonly (ulong, string)[] MmapProt = [(1, "PROT_READ"), (2, "PROT_WRITE"), (4, "PROT_EXEC"),
        (0x1000000, "PROT_GROWSDOWN"), (0x2000000, "PROT_GROWSUP")];

    public static readonly (ulong, string)[] MmapFlags =
    [
        (0x10, "MAP_FIXED"), (0x20, "MAP_ANONYMOUS"), (0x40, "MAP_32BIT"), (0x100, "MAP_GROWSDOWN"), (0x800, "MAP_DENYWRITE"),
        (0x1000, "MAP_EXECUTABLE"), (0x2000, "MAP_LOCKED"), (0x4000, "MAP_NORESERVE"), (0x8000, "MAP_POPULATE"),
        (0x10000, "MAP_NONBLOCK"), (0x20000, "MAP_STACK"), (0x40000, "MAP_HUGETLB"), (0x80000, "MAP_SYNC"),
        (0x100000, "MAP_FIXED_NOREPLACE"),
    ];

    public static readonly (ulong, string)[] SockTypeFlags = [(0x800, "SOCK_NONBLOCK"), (0x80000, "SOCK_CLOEXEC")];

    public static readonly (ulong, string)[] CloseOnExec = [(1, "FD_CLOEXEC")];

    public static readonly (ulong, string)[] MremapFlags = [(1, "MREMAP_MAYMOVE"), (2, "MREMAP_FIXED"), (4, "MREMAP_DONTUNMAP")];

    public static readonly (ulong, string)[] GrndFlags = [(1, "GRND_NONBLOCK"), (2, "GRND_RANDOM"), (4, "GRND_INSECURE")];

    public static readonly (ulong, string)[] MsyncFlags = [(1, "MS_ASYNC"), (2, "MS_INVALIDATE"), (4, "MS_SYNC")];

    public static readonly (ulong, string)[] SaFlags =
    [
        (1, "SA_NOCLDSTOP"), (2, "SA_NOCLDWAIT"), (4, "SA_SIGINFO"), (0x04000000, "SA_RESTORER"), (0x08000000, "SA_ONSTACK"),
        (0x10000000, "SA_RESTART"), (0x40000000, "SA_NODEFER"), (0x80000000, "SA_RESETHAND"),
    ];

    public static readonly Dictionary<long, string> Whence = new() { [0] = "SEEK_SET", [1] = "SEEK_CUR", [2] = "SEEK_END", [3] = "SEEK_DATA", [4] = "SEEK_HOLE" };

    public static readonly Dictionary<long, string> SigHow = new() { [0] = "SIG_BLOCK", [1] = "SIG_UNBLOCK", [2] = "SIG_SETMASK" };

    public static readonly Dictionary<long, string> ClockId = new()
    {
        [0] = "CLOCK_REALTIME", [1] = "CLOCK_MONOTONIC", [2] = "CLOCK_PROCESS_CPUTIME_ID", [3] = "CLOCK_THREAD_CPUTIME_ID",
        [4] = "CLOCK_MONOTONIC_RAW", [5] = "CLOCK_REALTIME_COARSE", [6] = "CLOCK_MONOTONIC_COARSE", [7] = "CLOCK_BOOTTIME",
        [8] = "CLOCK_REALTIME_ALARM", [9] = "CLOCK_BOOTTIME_ALARM", [11] = "CLOCK_TAI",
    };

    public static readonly Dictionary<long, string> FcntlCmd = new()
    {
        [0] = "F_DUPFD", [1] = "F_GETFD", [2] = "F_SETFD", [3] = "F_GETFL", [4] = "F_SETFL", [5] = "F_GETLK", [6] = "F_SETLK",
        [7] = "F_SETLKW", [8] = "F_SETOWN", [9] = "F_GETOWN", [10] = "F_SETSIG", [11] = "F_GETSIG", [36] = "F_OFD_GETLK",
        [37] = "F_OFD_SETLK", [38] = "F_OFD_SETLKW", [1024] = "F_SETLEASE", [1025] = "F_GETLEASE", [1026] = "F_NOTIFY",
        [1030] = "F_DUPFD_CLOEXEC", [1031] = "F_SETPIPE_SZ", [1032] = "F_GETPIPE_SZ", [1033] = "F_ADD_SEALS", [1034] = "F_GET_SEALS",
    };

    public static readonly Dictionary<long, string> Ioctl = new()
    {
        [0x5401] = "TCGETS", [0x5402] = "TCSETS", [0x5403] = "TCSETSW", [0x5404] = "TCSETSF", [0x540E] = "TIOCSCTTY",
        [0x540F] = "TIOCGPGRP", [0x5410] = "TIOCSPGRP", [0x5413] = "TIOCGWINSZ", [0x5414] = "TIOCSWINSZ",
        [0x541B] = "FIONREAD", [0x5421] = "FIONBIO", [0x5450] = "FIONCLEX", [0x5451] = "FIOCLEX", [0x5452] = "FIOASYNC",
        [0x80045430] = "TIOCGPTN", [0x40045431] = "TIOCSPTLCK", [0x5409] = "TCSBRK", [0x540A] = "TCXONC", [0x540B] = "TCFLSH",
        [0x5411] = "TIOCOUTQ", [0x5422] = "TIOCNOTTY", [0x5429] = "TIOCGSID",
    };

    static readonly string[] futexOps = ["FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE",
        "FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI", "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET",
        "FUTEX_WAIT_REQUEUE_PI", "FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2"];

    public static readonly Dictionary<long, string> ArchPrctl = new()
    {
        [0x1001] = "ARCH_SET_GS", [0x1002] = "ARCH_SET_FS", [0x1003] = "ARCH_GET_FS", [0x1004] = "ARCH_GET_GS",
        [0x1011] = "ARCH_GET_CPUID", [0x1012] = "ARCH_SET_CPUID",
    };

    public static readonly Dictionary<long, string> Resource = new()
    {
        [0] = "RLIMIT_CPU", [1] = "RLIMIT_FSIZE", [2] = "RLIMIT_DATA", [3] = "RLIMIT_STACK", [4] = "RLIMIT_CORE",
        [5] = "RLIMIT_RSS", [6] = "RLIMIT_NPROC", [7] = "RLIMIT_NOFILE", [8] = "RLIMIT_MEMLOCK", [9] = "RLIMIT_AS",
        [10] = "RLIMIT_LOCKS", [11] = "RLIMIT_SIGPENDING", [12] = "RLIMIT_MSGQUEUE", [13] = "RLIMIT_NICE",
        [14] = "RLIMIT_RTPRIO", [15] = "RLIMIT_RTTIME",
    };

    public static readonly Dictionary<long, string> SockDomain = new()
    {
        [0] = "AF_UNSPEC", [1] = "AF_UNIX", [2] = "AF_INET", [10] = "AF_INET6", [16] = "AF_NETLINK", [17] = "AF_PACKET",
    };

    public static readonly Dictionary<long, string> SockType = new()
    {
        [1] = "SOCK_STREAM", [2] = "SOCK_DGRAM", [3] = "SOCK_RAW", [4] = "SOCK_RDM", [5] = "SOCK_SEQPACKET", [10] = "SOCK_PACKET",
    };

    public static readonly Dictionary<long, string> Madvise = new()
    {
        [0] = "MADV_NORMAL", [1] = "MADV_RANDOM", [2] = "MADV_SEQUENTIAL", [3] = "MADV_WILLNEED", [4] = "MADV_DONTNEED",
        [8] = "MADV_FREE", [9] = "MADV_REMOVE", [10] = "MADV_DONTFORK", [11] = "MADV_DOFORK", [12] = "MADV_MERGEABLE",
        [13] = "MADV_UNMERGEABLE", [14] = "MADV_HUGEPAGE", [15] = "MADV_NOHUGEPAGE", [16] = "MADV_DONTDUMP", [17] = "MADV_DODUMP",
    };

    /// <summary>"A|B|0x40" for the bits of <paramref name="v"/>; multi-bit entries match only when all their bits are set.
    /// <paramref name="zero"/> is printed for 0.</summary>
    public static string Flags((ulong Bit, string Name)[] table, ulong v, string zero = "0")
    {
        if (v == 0) return zero;
        var parts = new List<string>();
        foreach (var (bit, name) in table)
            if ((v & bit) == bit) { parts.Add(name); v &= ~bit; }
        if (v != 0) parts.Add($"0x{v:x}");
        return string.Join('|', parts);
    }

    /// <summary>The name of <paramref name="v"/> in <paramref name="table"/>, or <paramref name="fallback"/>.</summary>
    public static string Const(Dictionary<long, string> table, long v, string? fallback = null) =>
        table.TryGetValue(v, out var n) ? n : fallback ?? v.ToString();

    public static string OpenFlagsText(ulong v)
    {
        string mode = (v & 3) switch { 0 => "O_RDONLY", 1 => "O_WRONLY", 2 => "O_RDWR", _ => "O_ACCMODE" };
        string rest = Flags(OpenFlags, v & ~3UL, "");
        return rest.Length == 0 ? mode : mode + "|" + rest;
    }

    public static string MmapFlagsText(ulong v)
    {
        string type = (v & 3) switch { 1 => "MAP_SHARED", 2 => "MAP_PRIVATE", 3 => "MAP_SHARED_VALIDATE", _ => "0" };
        string rest = Flags(MmapFlags, v & ~3UL, "");
        return rest.Length == 0 ? type : type + "|" + rest;
    }

    public static string FutexOpText(ulong v)
    {
        int op = (int)(v & 0x7F);
        string s = op < futexOps.Length ? futexOps[op] : $"0x{op:x}";
        if ((v & 128) != 0) s += "_PRIVATE";
        if ((v & 256) != 0) s += "|FUTEX_CLOCK_REALTIME";
        return s;
    }

    public static string SockTypeText(ulong v)
    {
        string t = Const(SockType, (long)(v & 0xF));
        string rest = Flags(SockTypeFlags, v & ~0xFUL, "");
        return rest.Length == 0 ? t : t + "|" + rest;
    }

    /// <summary>"SIGUSR1", or the number.</summary>
    public static string Signal(long v) => v > 0 && v < 65 ? SignalName((int)v) : v.ToString();

    public static string SignalName(int sig) => sig switch
    {
        >= 1 and <= 31 => UniJit.Runtime.Dispatch.Signals.Name(sig),
        32 => "SIGRTMIN",
        _ => $"SIGRT_{sig - 32}",
    };

    /// <summary>A signal set as strace prints it: [USR1 TERM], ~[KILL] for near-full sets.</summary>
    public static string SigSet(ulong set)
    {
        if (set == ulong.MaxValue) return "~[]";
        bool inverted = System.Numerics.BitOperations.PopCount(set) > 32;
        ulong show = inverted ? ~set : set;
        var names = new List<string>();
        for (int s = 1; s <= 64; s++)
            if ((show & (1UL << (s - 1))) != 0) names.Add(SignalName(s)[3..]);
        return (inverted ? "~[" : "[") + string.Join(' ', names) + "]";
    }
}
