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
}
