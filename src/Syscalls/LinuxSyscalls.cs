using UniJit.Runtime.Dispatch;
using UniJit.Runtime.State;

namespace UniJit.Syscalls;

/// <summary>The managed POSIX layer: Linux x86-64 system calls by number.</summary>
public sealed unsafe class LinuxSyscalls(GuestProcess process) : ISyscallHandler
{
    public void Syscall(Cpu cpu)
    {
        var s = cpu.S;
        long nr = (long)s->Gpr[0];
        long r;
        switch (nr)
        {
            case 1:
                r = UniJit.Runtime.Memory.Native.Sys(1, (long)s->Gpr[7], (long)(UniJit.Runtime.Memory.GuestMemory.Base + s->Gpr[6]), (long)s->Gpr[2]);
                break;
            case 60:
            case 231:
                throw new GuestExitException((int)s->Gpr[7] & 0xFF);
            default:
                r = -38;
                break;
        }
        s->Gpr[0] = (ulong)r;
    }
}
