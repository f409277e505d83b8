using BenchmarkDotNet.Attributes;
using Iced.Intel;
using UniJit.IlBackend.Emit;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Bench.Micro;

/// <summary>The engine's hot paths: checked memory access, lazy flags, the dispatcher running a loop in
/// each tier, and the cost of translating one region.</summary>
[MemoryDiagnoser]
public unsafe class EngineBenchmarks
{
    const ulong Code = 0x6000_0000, SmallCode = 0x6000_8000, Data = 0x6100_0000, Stack = 0x6200_0000;
    Cpu cpu = null!;
    GuestProcess interp = null!, jit = null!;

    sealed class Exit : ISyscallHandler
    {
        public void Syscall(Cpu c) => throw new GuestExitException(0);
    }

    [GlobalSetup]
    public void Setup()
    {
        AddressSpace.Map(Code, 0x10000, 7, Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_FIXED, -1, 0);
        AddressSpace.Map(Data, 0x10000, 3, Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_FIXED, -1, 0);
        AddressSpace.Map(Stack - 0x10000, 0x10000, 3, Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_FIXED, -1, 0);
        var asm = new Assembler(64);
        var loop = asm.CreateLabel();
        asm.mov(ecx, 100_000);
        asm.mov(rdi, (long)Data);
        asm.Label(ref loop);
        asm.add(rax, rcx);
        asm.xor(__qword_ptr[rdi], rax);
        asm.lea(rdx, __[rax + rcx * 4]);
        asm.sub(ecx, 1);
        asm.jnz(loop);
        asm.syscall();
        var ms = new MemoryStream();
        asm.Assemble(new StreamCodeWriter(ms), Code);
        GuestMemory.WriteBytes(Code, ms.ToArray());
        // A straight-line block of 60 ALU, memory and flag instructions, for the compile benchmark.
        var small = new Assembler(64);
        small.mov(rdi, (long)Data);
        for (int k = 0; k < 10; k++)
        {
            small.add(rax, rcx);
            small.mov(__qword_ptr[rdi + k * 8], rax);
            small.cmp(rax, rdx);
            small.setb(bl);
            small.lea(rdx, __[rax + rbx * 2 + k]);
            small.xor(esi, edx);
        }
        small.syscall();
        ms = new MemoryStream();
        small.Assemble(new StreamCodeWriter(ms), SmallCode);
        GuestMemory.WriteBytes(SmallCode, ms.ToArray());
        interp = new GuestProcess(new RunOptions { Tier = Tier.Interp }) { Syscalls = new Exit() };
        jit = new GuestProcess(new RunOptions { Tier = Tier.Jit }) { Syscalls = new Exit(), Compiler = new RegionCompiler() };
        cpu = new Cpu(interp);
    }

    [Benchmark(Description = "GuestMemory.Read64 x1000")]
    public ulong MemoryRead()
    {
        ulong s = 0;
        for (ulong i = 0; i < 1000; i++) s += GuestMemory.Read64(Data + (i & 0xFF) * 8);
        return s;
    }

    [Benchmark(Description = "Flags: record sub + evaluate jl x1000")]
    public int FlagsCond()
    {
        int n = 0;
        for (ulong i = 0; i < 1000; i++)
        {
            Alu.Sub(cpu.S, 8, i, 500);
            if (Flags.Cond(cpu.S, 12)) n++;
        }
        return n;
    }

    [Benchmark(Description = "Flags: materialize RFLAGS after add x1000")]
    public ulong FlagsMaterialize()
    {
        ulong f = 0;
        for (ulong i = 0; i < 1000; i++)
        {
            Alu.Add(cpu.S, 4, i, 0xFFFFFF00);
            f ^= Flags.Get(cpu.S);
        }
        return f;
    }

    GuestOutcome RunLoop(GuestProcess p)
    {
        var c = new Cpu(p);
        c.S->Gpr[4] = Stack - 64;
        c.S->Rip = Code;
        var r = p.Run(c);
        c.Dispose();
        return r;
    }

    [Benchmark(Description = "dispatch: 500k-instruction loop, interpreter")]
    public GuestOutcome LoopInterp() => RunLoop(interp);

    [Benchmark(Description = "dispatch: 500k-instruction loop, IL tier (cached)")]
    public GuestOutcome LoopJit() => RunLoop(jit);

    [Benchmark(Description = "compile one region (build + emit + JIT)")]
    public void CompileRegion()
    {
        var p = new GuestProcess(new RunOptions { Tier = Tier.Jit }) { Syscalls = new Exit() };
        var block = p.Blocks.Decode(SmallCode);
        var r = new RegionCompiler().Compile(p, block)!;
        // The first call JIT-compiles the method; the guest exits through the syscall at the end.
        var c = new Cpu(p);
        c.S->Gpr[4] = Stack - 64;
        c.S->Rip = SmallCode;
        try { r.Code(c, c.S); } catch (GuestExitException) { }
        c.Dispose();
    }
}
