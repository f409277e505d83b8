using UniJit.Runtime.State;
using UniJit.Syscalls.Fs;
using UniJit.Runtime.Dispatch;

namespace UniJit.Syscalls.Process;

/// <summary>
/// What a vfork child borrowed from its parent. A real fork of the .NET runtime is unsafe, but
/// vfork (and posix_spawn's clone(CLONE_VM|CLONE_VFORK)) is nearly always followed by execve or
/// _exit, with the parent suspended meanwhile: so the child runs in the parent's place, on this
/// thread and this memory, with its own fd table, mask and signal dispositions. Its execve starts
/// a new host process (unijit again) holding the child's fds; then, or at the child's _exit, the
/// parent's registers come back and its vfork returns the child's pid.
/// </summary>
public sealed unsafe class VforkChild
{
    public CpuState Parent;
    public ulong ParentMask;
    public KernelSigaction[] ParentActions = [];
    public FdTable ParentFds = null!;

    /// <summary>Puts the parent back: registers, mask, dispositions and fd table; RAX = <paramref name="pid"/>.</summary>
    public void Resume(Kernel k, Cpu cpu, long pid)
    {
        k.Fds.CloseAll();
        k.Fds = ParentFds;
        Array.Copy(ParentActions, k.Signals.Actions, ParentActions.Length);
        for (int i = 1; i < ParentActions.Length; i++) HostSignals.Mirror(i, in ParentActions[i]);
        cpu.SignalMask = ParentMask;
        *cpu.S = Parent;
        cpu.S->Gpr[0] = (ulong)pid;
        k.Child = null;
    }
}
