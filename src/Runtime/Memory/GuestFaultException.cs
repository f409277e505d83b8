namespace UniJit.Runtime.Memory;

/// <summary>A guest access to unmapped or protected memory; the dispatcher turns it into SIGSEGV
/// at the faulting instruction.</summary>
public sealed class GuestFaultException(ulong address, bool write, bool mapped) : Exception($"guest fault at 0x{address:x}")
{
    public ulong Address { get; } = address;
    public bool IsWrite { get; } = write;
    /// <summary>True if the page was mapped but the access not permitted (SEGV_ACCERR), false for SEGV_MAPERR.</summary>
    public bool Mapped { get; } = mapped;
}
