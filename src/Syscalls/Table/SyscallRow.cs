namespace UniJit.Syscalls.Table;

/// <summary>A system call implementation: the arguments are in <paramref name="a"/>; returns the result or -errno.</summary>
public delegate long SyscallHandler(Kernel k, in SysArgs a);

/// <summary>
/// One row of the syscall table: number, name, handler, and the argument and result kinds that
/// <c>--strace</c> prints. A row without a handler is forwarded to the host kernel by
/// <see cref="Forwarder"/>, which translates each argument according to its kind. For calls that
/// return a new fd, <see cref="CloExecArg"/> names the argument whose <see cref="CloExecBit"/> asks
/// for close-on-exec.
/// </summary>
public sealed record SyscallRow(int Nr, string Name, SyscallHandler? Handler, Arg[] Args, Ret Ret = Ret.Int,
    int CloExecArg = -1, ulong CloExecBit = 0x80000)
{
    /// <summary>A named placeholder that answers ENOSYS (counted as unimplemented by --warn-unimplemented).</summary>
    public bool Stub { get; init; }
}
