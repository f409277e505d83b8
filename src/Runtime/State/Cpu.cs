using System.Runtime.InteropServices;

namespace UniJit.Runtime.State;

/// <summary>One guest thread: its unmanaged register state and the process it belongs to.</summary>
public sealed unsafe class Cpu : IDisposable
{
    public readonly CpuState* S;
    public readonly Dispatch.GuestProcess Process;
    /// <summary>Host thread id of the thread running this guest thread (its guest tid).</summary>
    public int Tid;
    /// <summary>set_tid_address(2)'s pointer, cleared and futex-woken at thread exit.</summary>
    public ulong ClearChildTid;
    /// <summary>Blocked signals (rt_sigprocmask).</summary>
    public ulong SignalMask;
    /// <summary>Signals sent to this thread (tgkill), waiting for delivery (bit sig-1), and their siginfo.</summary>
    public ulong PendingSignals;
    public readonly Dispatch.SigInfo[] PendingInfo = new Dispatch.SigInfo[65];
    /// <summary>The mask rt_sigsuspend replaced: the next signal frame records it, so that the
    /// handler's rt_sigreturn restores it.</summary>
    public ulong SavedMask;
    public bool HasSavedMask;
    /// <summary>sigaltstack(2): the alternate signal stack (per thread; a new thread starts without one).</summary>
    public ulong AltStackSp, AltStackSize;
    public int AltStackFlags = Dispatch.SignalState.SS_DISABLE;
    /// <summary>Set by translated code that left its region before an instruction whose memory access
    /// needs the slow path: the dispatcher runs the next block (starting with that instruction) in the
    /// interpreter, even where a translation exists, and clears the flag.</summary>
    public bool StepInterpreted;

    public Cpu(Dispatch.GuestProcess process)
    {
        Process = process;
        S = (CpuState*)NativeMemory.AlignedAlloc((nuint)sizeof(CpuState), 64);
        NativeMemory.Clear(S, (nuint)sizeof(CpuState));
        S->Rflags = 0x202;
        S->Mxcsr = 0x1F80;
        S->Fpu.Control = 0x37F;
        S->Fpu.Tag = 0xFFFF;
    }

    public ref ulong Reg(int i) => ref S->Gpr[i];

    public ulong Rax { get => S->Gpr[0]; set => S->Gpr[0] = value; }
    public ulong Rcx { get => S->Gpr[1]; set => S->Gpr[1] = value; }
    public ulong Rdx { get => S->Gpr[2]; set => S->Gpr[2] = value; }
    public ulong Rbx { get => S->Gpr[3]; set => S->Gpr[3] = value; }
    public ulong Rsp { get => S->Gpr[4]; set => S->Gpr[4] = value; }
    public ulong Rbp { get => S->Gpr[5]; set => S->Gpr[5] = value; }
    public ulong Rsi { get => S->Gpr[6]; set => S->Gpr[6] = value; }
    public ulong Rdi { get => S->Gpr[7]; set => S->Gpr[7] = value; }

    public void Dispose() => NativeMemory.AlignedFree(S);
}
