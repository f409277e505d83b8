using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.Differential;

/// <summary>
/// Runs a snippet in UniJit (through <see cref="GuestCode"/>) from a <see cref="MachineState"/>.
/// The snippet is followed by an epilogue that parks RAX, RCX, RDI and R11 (which the exit system
/// call needs or clobbers) in the stack mapping and exits with instructions that leave RFLAGS alone,
/// so the final flags are read from the CPU state after the exit.
/// </summary>
public static unsafe class GuestCpu
{
    const ulong Park = GuestCode.StackTop - 0x10000;

    /// <summary>The final state, or null with <paramref name="failure"/> set when the guest died
    /// (an unsupported instruction, a fault) or the interpreter threw.</summary>
    public static MachineState? Run(byte[] snippet, MachineState input, Tier tier, out string? failure)
    {
        var code = snippet.Concat(NativeCpu.Assemble(GuestCode.CodeAddress + (ulong)snippet.Length, a =>
        {
            a.mov(__qword_ptr[Park], rax);
            a.mov(__qword_ptr[Park + 8], rcx);
            a.mov(__qword_ptr[Park + 16], rdi);
            a.mov(__qword_ptr[Park + 24], r11);
            a.mov(eax, 60);
            a.mov(edi, 0);
            a.syscall();
        })).ToArray();
        failure = null;
        UniJit.Runtime.State.Cpu cpu;
        try
        {
            cpu = GuestCode.RunBytes(code, c =>
            {
                for (int i = 0; i < 16; i++) c.S->Gpr[i] = input.Gpr[i];
                Flags.Set(c.S, input.Rflags);
                GuestMemory.WriteBytes(GuestCode.DataAddress, input.Data);
            }, tier);
        }
        catch (Exception e)
        {
            failure = $"the interpreter threw {e.GetType().Name}: {e.Message}";
            return null;
        }
        try
        {
            var outcome = GuestCode.LastOutcome;
            if (outcome.Signal != 0)
            {
                failure = $"guest killed by {Signals.Name(outcome.Signal)}: {outcome.Report}";
                return null;
            }
            if (tier == Tier.Jit && cpu.Process.RegionsCompiled == 0)
            {
                failure = "the jit tier did not translate the snippet (no region compiled)";
                return null;
            }
            var output = new MachineState { Rflags = Flags.Get(cpu.S) };
            for (int i = 0; i < 16; i++) output.Gpr[i] = cpu.S->Gpr[i];
            output.Gpr[0] = GuestMemory.Read64(Park);
            output.Gpr[1] = GuestMemory.Read64(Park + 8);
            output.Gpr[7] = GuestMemory.Read64(Park + 16);
            output.Gpr[11] = GuestMemory.Read64(Park + 24);
            output.Data = new byte[GuestCode.DataSize];
            GuestMemory.ReadBytes(GuestCode.DataAddress, output.Data);
            return output;
        }
        finally { cpu.Dispose(); }
    }
}
