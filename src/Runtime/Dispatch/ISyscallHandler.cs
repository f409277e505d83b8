using UniJit.Runtime.State;

namespace UniJit.Runtime.Dispatch;

/// <summary>The managed POSIX layer, as the dispatcher sees it: the <c>syscall</c> instruction calls
/// <see cref="Syscall"/> with the number in RAX and arguments in RDI, RSI, RDX, R10, R8, R9; the result
/// goes to RAX.</summary>
public interface ISyscallHandler
{
    void Syscall(Cpu cpu);

    /// <summary>Called as a signal is delivered: to a guest handler, or <paramref name="fatal"/>ly by
    /// its default action (strace prints it).</summary>
    void OnSignal(Cpu cpu, in SigInfo info, bool fatal) { }
}
