using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.IlBackend;

/// <summary>Computed jumps inside a region (<see cref="UniJit.IlBackend.Emit.RegionCompiler.JumpDynamic"/>):
/// the targets an indirect jmp reached while interpreted join its region, and the translated jump
/// branches to them without leaving.</summary>
public unsafe partial class TierAgreementTests
{
    const ulong JumpTable = GuestCode.DataAddress + 0x800;
    const int RareHandlers = 8;

    /// <summary>A threaded-code interpreter: a program of byte opcodes at DataAddress, a table of handler
    /// addresses at <see cref="JumpTable"/>, and one dispatch jmp through it at the end of each handler.
    /// Handler 0 compares and leaves the flags to handler 1, which reads the carry (adc, setb) after the
    /// computed jump; handler 3 stops after <paramref name="steps"/> dispatches; handlers 4 and on are
    /// rare (each once in the program's 256 opcodes).</summary>
    static byte[] ThreadedInterpreter(int steps, out ulong[] handlers)
    {
        var asm = new Assembler(64);
        var labels = Enumerable.Range(0, 4 + RareHandlers).Select(_ => asm.CreateLabel()).ToArray();
        var done = asm.CreateLabel();
        void Dispatch()
        {
            // pc = (pc + 1) mod 256; jmp [table + 8 * program[pc]], all without touching the flags, so
            // that a handler's flags reach the next one
            asm.lea(esi, __[rsi + 1]);
            asm.movzx(esi, sil);
            asm.movzx(eax, __byte_ptr[rdi + rsi]);
            asm.jmp(__qword_ptr[rbx + rax * 8]);
        }
        asm.mov(rdi, GuestCode.DataAddress);
        asm.mov(rbx, JumpTable);
        asm.xor(esi, esi);
        asm.xor(r8d, r8d);
        asm.mov(r9d, 1);
        asm.mov(ecx, steps);
        asm.movzx(eax, __byte_ptr[rdi]);
        asm.jmp(__qword_ptr[rbx + rax * 8]);
        // 0: compare; its flags are read by whatever runs next
        asm.Label(ref labels[0]);
        asm.add(r8, r9);
        asm.cmp(r8, r9);
        Dispatch();
        // 1: reads CF left by the handler before it (or by handler 2's shift)
        asm.Label(ref labels[1]);
        asm.adc(r9, 3);
        asm.setb(dl);
        asm.add(r10, rdx);
        Dispatch();
        // 2: rotates and leaves CF from the shift
        asm.Label(ref labels[2]);
        asm.imul(r8, r8, 5);
        asm.shr(r9, 1);
        Dispatch();
        // 3: counts down (dec leaves CF alone: handler 1 after it reads an older carry); the loop ends
        // when ecx reaches 0
        asm.Label(ref labels[3]);
        asm.dec(ecx);
        asm.jz(done);
        Dispatch();
        // 4 and on: rare, each a little different
        for (int k = 4; k < labels.Length; k++)
        {
            asm.Label(ref labels[k]);
            asm.xor(r11, r8);
            asm.add(r11, 77 * k);
            Dispatch();
        }
        asm.Label(ref done);
        var code = AssembleWithExit(asm, GuestCode.CodeAddress, out var result);
        handlers = labels.Select(l => result.GetLabelRIP(l)).ToArray();
        return code;
    }

    /// <summary>Writes the program (256 opcodes: a cycle over handlers 0–3, each rare handler once) and
    /// the jump table.</summary>
    static void ThreadedSetup(ulong[] handlers)
    {
        byte[] cycle = [0, 1, 2, 3, 0, 1, 0, 2, 1, 3, 2, 0, 1, 1, 3];
        var program = new byte[256];
        for (int k = 0; k < program.Length; k++) program[k] = cycle[k % cycle.Length];
        for (int k = 0; k < RareHandlers; k++) program[20 + 29 * k] = (byte)(4 + k);
        GuestMemory.WriteBytes(GuestCode.DataAddress, program);
        for (int k = 0; k < handlers.Length; k++) GuestMemory.Write64(JumpTable + 8UL * (ulong)k, handlers[k]);
    }

    /// <summary>In every tier the interpreter loop ends with the same registers and flags; promoted by
    /// hotness, its dispatch jumps stay inside one region: the loop's 30 000 dispatches make only a handful
    /// of chained exits (before promotion the handlers are separate regions).</summary>
    [Fact]
    public void ComputedJumpsStayInTheirRegion()
    {
        var code = ThreadedInterpreter(30_000, out var handlers);
        Action<Cpu> setup = _ => ThreadedSetup(handlers);
        var interp = RegistersAndFlags(GuestCode.RunBytes(code, setup, Tier.Interp));
        Assert.Equal(interp, RegistersAndFlags(GuestCode.RunBytes(code, setup, Tier.Jit)));
        var auto = GuestCode.RunBytes(code, setup, Tier.Auto);
        Assert.Equal(interp, RegistersAndFlags(auto));
        Assert.True(auto.S->InstructionCount > 100_000, "the loop ran translated");
        Assert.True(auto.S->ChainHits < 100, $"{auto.S->ChainHits} chained exits: the dispatch left the region");
    }

    /// <summary>A computed jump to code outside the region (a handler that had not run when the region was
    /// built) leaves it, and the tiers agree: a first run with the rare handlers' table slots pointing at
    /// handler 2 promotes the loop without them; a second run in the same process, with the slots
    /// restored, jumps from the region to each (eight addresses the region's dispatch does not know:
    /// some fall into its switch's used slots and must still leave).</summary>
    [Fact]
    public void ComputedJumpToAnUnknownTargetLeavesTheRegion()
    {
        var code = ThreadedInterpreter(30_000, out var handlers);
        Action<Cpu> Setup(bool rare) => _ =>
        {
            ThreadedSetup(handlers);
            if (!rare)
                for (int k = 4; k < handlers.Length; k++) GuestMemory.Write64(JumpTable + 8UL * (ulong)k, handlers[2]);
        };
        var without = RegistersAndFlags(GuestCode.RunBytes(code, Setup(false), Tier.Interp));
        var with = RegistersAndFlags(GuestCode.RunBytes(code, Setup(true), Tier.Interp));
        Assert.NotEqual(without, with);
        var process = GuestCode.Load(code, Tier.Auto);
        ulong[] Run(bool rare, out Cpu cpu)
        {
            cpu = new Cpu(process);
            cpu.S->Gpr[4] = GuestCode.StackTop - 64;
            cpu.S->Rip = GuestCode.CodeAddress;
            Setup(rare)(cpu);
            process.Run(cpu);
            return RegistersAndFlags(cpu);
        }
        Assert.Equal(without, Run(false, out _));
        Assert.True(process.Blocks.TryGet(handlers[0], out var h0) && h0.Translated, "the loop was promoted");
        Assert.All(handlers.Skip(4), h => Assert.False(process.Blocks.TryGet(h, out var b) && b.Translated, "a rare handler is in a region"));
        long interpreted = process.InstructionsInterpreted;
        Assert.Equal(with, Run(true, out _));
        Assert.True(process.InstructionsInterpreted - interpreted > 1000, "the jumps to the rare handlers left the region for the interpreter");
    }
}
