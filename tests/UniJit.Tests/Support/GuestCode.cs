using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.Support;

/// <summary>
/// Runs a snippet of x86-64 code in the interpreter, in-process: the snippet is assembled with
/// Iced at <see cref="CodeAddress"/>, followed by exit(0), and runs with a small stack and a
/// scratch data area at <see cref="DataAddress"/>. Tests that use guest memory share the one
/// address space of the process, so they live in the "Guest" collection (never in parallel).
/// </summary>
public static unsafe class GuestCode
{
    public const ulong CodeAddress = 0x7000_0000;
    public const ulong DataAddress = 0x7100_0000;
    public const ulong DataSize = 0x10000;
    public const ulong StackTop = 0x7200_0000;

    sealed class ExitOnly : ISyscallHandler
    {
        public void Syscall(Cpu cpu)
        {
            if (cpu.S->Gpr[0] == 60) throw new GuestExitException((int)cpu.S->Gpr[7]);
            cpu.S->Gpr[0] = unchecked((ulong)-38L);
        }
    }

    /// <summary>Maps code, stack and data (data zeroed), lets <paramref name="setup"/> set the initial
    /// state, runs until the appended exit, and returns the CPU for inspection.</summary>
    public static Cpu Run(Action<Assembler> body, Action<Cpu>? setup = null, Tier tier = Tier.Interp)
    {
        var asm = new Assembler(64);
        body(asm);
        asm.mov(eax, 60);
        asm.xor(edi, edi);
        asm.syscall();
        var stream = new MemoryStream();
        asm.Assemble(new StreamCodeWriter(stream), CodeAddress);
        return RunBytes(stream.ToArray(), setup, tier);
    }

    public static Cpu RunBytes(byte[] code, Action<Cpu>? setup = null, Tier tier = Tier.Interp)
    {
        Map(CodeAddress, 0x10000, Native.PROT_READ | Native.PROT_EXEC);
        Map(StackTop - 0x10000, 0x10000, Native.PROT_READ | Native.PROT_WRITE);
        Map(DataAddress, DataSize, Native.PROT_READ | Native.PROT_WRITE);
        AddressSpace.Protect(CodeAddress, 0x10000, Native.PROT_READ | Native.PROT_WRITE);
        GuestMemory.WriteBytes(CodeAddress, code);
        AddressSpace.Protect(CodeAddress, 0x10000, Native.PROT_READ | Native.PROT_EXEC);
        var process = new GuestProcess(new RunOptions { Tier = tier }) { Syscalls = new ExitOnly() };
        if (tier != Tier.Interp) process.Compiler = new UniJit.IlBackend.Emit.RegionCompiler();
        var cpu = new Cpu(process);
        cpu.S->Gpr[4] = StackTop - 64;
        cpu.S->Rip = CodeAddress;
        setup?.Invoke(cpu);
        var outcome = process.Run(cpu);
        LastOutcome = outcome;
        return cpu;
    }

    /// <summary>Maps code (written at <see cref="CodeAddress"/>), stack and data, and returns a process that
    /// runs it in <paramref name="tier"/>. Run it many times (set RIP, RSP and the state first): its
    /// translations are kept between runs, so a snippet is compiled once.</summary>
    public static GuestProcess Load(byte[] code, Tier tier)
    {
        Map(CodeAddress, 0x10000, Native.PROT_READ | Native.PROT_WRITE);
        Map(StackTop - 0x10000, 0x10000, Native.PROT_READ | Native.PROT_WRITE);
        Map(DataAddress, DataSize, Native.PROT_READ | Native.PROT_WRITE);
        GuestMemory.WriteBytes(CodeAddress, code);
        AddressSpace.Protect(CodeAddress, 0x10000, Native.PROT_READ | Native.PROT_EXEC);
        var process = new GuestProcess(new RunOptions { Tier = tier }) { Syscalls = new ExitOnly() };
        if (tier != Tier.Interp) process.Compiler = new UniJit.IlBackend.Emit.RegionCompiler();
        return process;
    }

    public static GuestOutcome LastOutcome { get; private set; }

    static void Map(ulong at, ulong size, int prot)
    {
        long r = AddressSpace.Map(at, size, prot, Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_FIXED, -1, 0);
        if (r < 0) throw new InvalidOperationException($"map failed: {r}");
    }
}

[CollectionDefinition("Guest", DisableParallelization = true)]
public sealed class GuestCollection;
