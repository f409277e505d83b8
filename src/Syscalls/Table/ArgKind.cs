namespace UniJit.Syscalls.Table;

/// <summary>
/// What a system call argument is. The kind drives two things: how <c>--strace</c> prints it, and,
/// for calls forwarded to the host by <see cref="Forwarder"/>, how it is translated (guest fd → host
/// fd, guest path → host path, guest pointer → checked host pointer). Kinds after <see cref="Oct"/>
/// are plain values printed symbolically.
/// </summary>
public enum ArgKind : byte
{
    /// <summary>A signed 32-bit integer, printed in decimal.</summary>
    Int,
    /// <summary>A signed 64-bit integer (off_t, ssize_t).</summary>
    Long,
    /// <summary>An unsigned 64-bit integer (size_t).</summary>
    ULong,
    /// <summary>A value printed in hex.</summary>
    Hex,
    /// <summary>A guest pointer the host kernel may read or write (range-checked, translated; NULL stays NULL).</summary>
    Ptr,
    /// <summary>A guest pointer that is only a value to the kernel (set_tid_address, futex uaddr2): printed, not translated.</summary>
    Addr,
    /// <summary>A guest file descriptor (translated to the host's).</summary>
    Fd,
    /// <summary>A directory fd for the *at calls: AT_FDCWD or a guest fd.</summary>
    DirFd,
    /// <summary>A path, resolved relative to the preceding DirFd, following a final symlink.</summary>
    Path,
    /// <summary>A path whose final symlink is not followed (lstat, readlink, unlink, symlink's target name).</summary>
    LPath,
    /// <summary>A string that is not a path (symlink's target text), passed through.</summary>
    Str,
    /// <summary>A buffer the kernel reads; its length is argument <see cref="Arg.N"/>.</summary>
    InBuf,
    /// <summary>A buffer the kernel writes; its capacity is argument <see cref="Arg.N"/>, the bytes written the result.</summary>
    OutBuf,
    /// <summary>A struct of <see cref="Arg.N"/> bytes the kernel reads.</summary>
    InStruct,
    /// <summary>A struct of <see cref="Arg.N"/> bytes the kernel writes.</summary>
    OutStruct,
    /// <summary>A file mode, in octal.</summary>
    Oct,
    OpenFlags,
    AtFlags,
    AccessMode,
    MmapProt,
    MmapFlags,
    Whence,
    Signal,
    SigHow,
    ClockId,
    FcntlCmd,
    Ioctl,
    FutexOp,
    ArchPrctl,
    Resource,
    SockDomain,
    SockType,
    Madvise,
    /// <summary>open's mode: printed only when the preceding flags have O_CREAT or O_TMPFILE.</summary>
    OpenMode,
    /// <summary>fcntl's third argument: printed per the preceding command (none, fd flags, open flags, int or pointer).</summary>
    FcntlArg,
    /// <summary>A pointer to a 64-bit signal set, printed as [USR1 TERM].</summary>
    SigSet,
    /// <summary>A buffer the kernel fills with random bytes, printed in hex as strace does for getrandom.</summary>
    OutHex,
    /// <summary>A NUL-terminated string the kernel writes (getcwd), printed after the call.</summary>
    OutStr,
    /// <summary>A struct stat the kernel fills: {st_mode=S_IFREG|0644, st_size=13, ...}.</summary>
    StatBuf,
    /// <summary>Two ints the kernel fills with fds (pipe, socketpair): [3, 4].</summary>
    FdPair,
    /// <summary>O_* flags without an access mode (dup3, pipe2): O_CLOEXEC or 0.</summary>
    FdFlags,
    /// <summary>An iovec array the kernel reads; the count is argument <see cref="Arg.N"/>.</summary>
    IovIn,
    /// <summary>An iovec array the kernel fills (the bytes read are the result); count in argument <see cref="Arg.N"/>.</summary>
    IovOut,
    /// <summary>A getdents buffer: the address and the number of entries the result holds.</summary>
    Dirents,
    /// <summary>A struct timespec the kernel reads: {tv_sec=1, tv_nsec=0}.</summary>
    InTime,
    /// <summary>A struct timespec the kernel writes.</summary>
    OutTime,
    /// <summary>A struct pollfd array (count in argument <see cref="Arg.N"/>): [{fd=3, events=POLLIN}].</summary>
    PollFds,
    MremapFlags,
    /// <summary>mremap's new address: printed only with MREMAP_FIXED.</summary>
    MremapAddr,
    MsyncFlags,
    /// <summary>futex's fourth argument: a timeout for the waits, a count for the requeues, absent for wakes.</summary>
    FutexTimeout,
    /// <summary>futex's uaddr2: printed for the requeue and wake-op forms.</summary>
    FutexAddr2,
    /// <summary>futex's val3: printed for the compare, bitset and wake-op forms.</summary>
    FutexVal3,
    /// <summary>A struct rlimit the kernel reads.</summary>
    RlimitIn,
    /// <summary>A struct rlimit the kernel writes.</summary>
    RlimitOut,
    /// <summary>A struct sigaction the kernel reads.</summary>
    SigactionIn,
    /// <summary>A struct sigaction the kernel writes.</summary>
    SigactionOut,
    /// <summary>A signal set the kernel writes (old mask).</summary>
    SigSetOut,
    /// <summary>arch_prctl's address: a value for the SET codes, [value] written for the GET codes.</summary>
    ArchAddr,
    GrndFlags,
    /// <summary>struct utsname the kernel writes: {sysname="Linux", nodename="vm", ...}.</summary>
    Utsname,
}

/// <summary>One argument's description: its kind and, for buffers and structs, a length argument index or a size.</summary>
public readonly record struct Arg(ArgKind Kind, int N = 0)
{
    public static readonly Arg Int = new(ArgKind.Int), Long = new(ArgKind.Long), ULong = new(ArgKind.ULong),
        Hex = new(ArgKind.Hex), Ptr = new(ArgKind.Ptr), Addr = new(ArgKind.Addr), Fd = new(ArgKind.Fd),
        DirFd = new(ArgKind.DirFd), Path = new(ArgKind.Path), LPath = new(ArgKind.LPath), Str = new(ArgKind.Str),
        Oct = new(ArgKind.Oct), OpenFlags = new(ArgKind.OpenFlags), AtFlags = new(ArgKind.AtFlags),
        AccessMode = new(ArgKind.AccessMode), MmapProt = new(ArgKind.MmapProt), MmapFlags = new(ArgKind.MmapFlags),
        Whence = new(ArgKind.Whence), Signal = new(ArgKind.Signal), SigHow = new(ArgKind.SigHow),
        ClockId = new(ArgKind.ClockId), FcntlCmd = new(ArgKind.FcntlCmd), Ioctl = new(ArgKind.Ioctl),
        FutexOp = new(ArgKind.FutexOp), ArchPrctl = new(ArgKind.ArchPrctl), Resource = new(ArgKind.Resource),
        SockDomain = new(ArgKind.SockDomain), SockType = new(ArgKind.SockType), Madvise = new(ArgKind.Madvise),
        OpenMode = new(ArgKind.OpenMode), FcntlArg = new(ArgKind.FcntlArg), SigSet = new(ArgKind.SigSet), OutStr = new(ArgKind.OutStr);

    public static readonly Arg StatBuf = new(ArgKind.StatBuf), FdPair = new(ArgKind.FdPair), FdFlags = new(ArgKind.FdFlags),
        Dirents = new(ArgKind.Dirents), InTime = new(ArgKind.InTime), OutTime = new(ArgKind.OutTime);
    public static readonly Arg MremapFlags = new(ArgKind.MremapFlags), MremapAddr = new(ArgKind.MremapAddr),
        MsyncFlags = new(ArgKind.MsyncFlags), FutexTimeout = new(ArgKind.FutexTimeout), FutexAddr2 = new(ArgKind.FutexAddr2),
        FutexVal3 = new(ArgKind.FutexVal3), RlimitIn = new(ArgKind.RlimitIn), RlimitOut = new(ArgKind.RlimitOut),
        SigactionIn = new(ArgKind.SigactionIn), SigactionOut = new(ArgKind.SigactionOut), SigSetOut = new(ArgKind.SigSetOut),
        ArchAddr = new(ArgKind.ArchAddr), Utsname = new(ArgKind.Utsname), GrndFlags = new(ArgKind.GrndFlags);
    public static Arg IovIn(int countArg) => new(ArgKind.IovIn, countArg);
    public static Arg IovOut(int countArg) => new(ArgKind.IovOut, countArg);
    public static Arg PollFds(int countArg) => new(ArgKind.PollFds, countArg);

    /// <summary>A random-bytes buffer of the length in argument <paramref name="lenArg"/>.</summary>
    public static Arg OutHex(int lenArg) => new(ArgKind.OutHex, lenArg);

    /// <summary>A buffer read by the kernel, its length in argument <paramref name="lenArg"/>.</summary>
    public static Arg In(int lenArg) => new(ArgKind.InBuf, lenArg);
    /// <summary>A buffer written by the kernel, its capacity in argument <paramref name="lenArg"/>.</summary>
    public static Arg Out(int lenArg) => new(ArgKind.OutBuf, lenArg);
    /// <summary>A struct of <paramref name="size"/> bytes read by the kernel.</summary>
    public static Arg InS(int size) => new(ArgKind.InStruct, size);
    /// <summary>A struct of <paramref name="size"/> bytes written by the kernel.</summary>
    public static Arg OutS(int size) => new(ArgKind.OutStruct, size);
}

/// <summary>How the result is printed (and, for <see cref="NewFd"/>, installed).</summary>
public enum Ret : byte
{
    /// <summary>Signed decimal.</summary>
    Int,
    /// <summary>Hex (addresses: mmap, brk).</summary>
    Hex,
    /// <summary>A new host fd the forwarder installs in the fd table (close-on-exec if O_CLOEXEC-like flags say so).</summary>
    NewFd,
    /// <summary>The call does not return (exit): printed as "= ?".</summary>
    None,
    /// <summary>Octal (umask).</summary>
    Oct,
    /// <summary>fcntl: F_GETFD and F_GETFL results in hex with their flags spelled out.</summary>
    Fcntl,
    /// <summary>poll: the count followed by the returned events.</summary>
    Poll,
    /// <summary>time: the seconds and the date they stand for.</summary>
    Time,
}
