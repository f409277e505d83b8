using Iced.Intel;
using UniJit.IlBackend.Analysis;
using UniJit.IlBackend.Emit;
using UniJit.Runtime.Dispatch;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.IlBackend;

/// <summary>How large a region grows (<see cref="RegionBuilder.Limits"/>): code that has run takes callees of up
/// to <see cref="RegionBuilder.Hot"/>'s size whole, and a region whose IL would be too large for RyuJIT to
/// optimize is built again within <see cref="RegionBuilder.Small"/>.</summary>
[Collection("Guest")]
public class RegionLimitTests
{
    /// <summary>A loop that calls a straight-line function of <paramref name="calleeLength"/> instructions
    /// (<paramref name="calleeInsn"/>(k) each) ten times, the loop's start and the callee's address.</summary>
    static (GuestProcess Process, ulong Start, ulong Callee) LoopCalling(int calleeLength, Action<Assembler, int> calleeInsn)
    {
        var asm = new Assembler(64);
        var start = asm.CreateLabel();
        var loop = asm.CreateLabel();
        var callee = asm.CreateLabel();
        // The callee first: a block that ends in a syscall counts the code after it as its successor.
        asm.jmp(start);
        asm.Label(ref callee);
        for (int k = 0; k < calleeLength; k++) calleeInsn(asm, k);
        asm.ret();
        asm.Label(ref start);
        asm.mov(ecx, 10);
        asm.Label(ref loop);
        asm.call(callee);
        asm.dec(ecx);
        asm.jnz(loop);
        asm.mov(eax, 60);
        asm.xor(edi, edi);
        asm.syscall();
        asm.ud2(); // the code after a syscall counts as its successor
        var stream = new MemoryStream();
        var result = asm.Assemble(new StreamCodeWriter(stream), GuestCode.CodeAddress, BlockEncoderOptions.ReturnNewInstructionOffsets);
        var process = GuestCode.Load(stream.ToArray(), Tier.Auto);
        return (process, result.GetLabelRIP(start), result.GetLabelRIP(callee));
    }

    /// <summary>Decodes every block reachable from <paramref name="start"/>, calls included, and marks each as run.</summary>
    static Block MarkAllRun(GuestProcess process, ulong start)
    {
        var entry = process.Blocks.Decode(start);
        var work = new Stack<Block>([entry]);
        var seen = new HashSet<ulong> { entry.Start };
        while (work.Count > 0)
        {
            var b = work.Pop();
            b.ExecCount = 1;
            var next = RegionBuilder.Successors(b).ToList();
            if (RegionBuilder.DirectCall(b) is { } c) next.Add(c);
            foreach (var t in next)
                if (seen.Add(t)) work.Push(process.Blocks.Decode(t));
        }
        return entry;
    }

    [Fact]
    public void CodeThatRanTakesLargerCalleesWhole()
    {
        var (process, start, callee) = LoopCalling(200, (a, k) => a.add(rax, k + 1));
        var entry = MarkAllRun(process, start);

        var small = RegionBuilder.Build(process.Blocks, entry, executedOnly: true, RegionBuilder.Small);
        var hot = RegionBuilder.Build(process.Blocks, entry, executedOnly: true, RegionBuilder.Hot);

        Assert.DoesNotContain(small.Blocks, b => b.Start == callee);
        Assert.Contains(hot.Blocks, b => b.Start == callee);
        Assert.True(hot.InstructionCount > 200, $"{hot.InstructionCount} instructions");
        // Its IL is small enough: the region compiled is the hot one.
        var compiled = new RegionCompiler().Compile(process, entry)!;
        Assert.Equal(hot.InstructionCount, compiled.Instructions);
        Assert.True(compiled.IlBytes <= RegionCompiler.MaxIlBytes, $"{compiled.IlBytes} IL bytes");
    }

    [Fact]
    public void ARegionWhoseIlIsTooLargeIsBuiltSmall()
    {
        // Read-modify-writes of memory, each with its own access, flags and store: well over the IL limit
        // for a callee that Hot takes whole.
        var (process, start, callee) = LoopCalling(390, (a, k) => a.adc(__qword_ptr[rdi + rsi * 8 + k * 8], rax));
        var entry = MarkAllRun(process, start);
        var hot = RegionBuilder.Build(process.Blocks, entry, executedOnly: true, RegionBuilder.Hot);
        var small = RegionBuilder.Build(process.Blocks, entry, executedOnly: true, RegionBuilder.Small);
        Assert.Contains(hot.Blocks, b => b.Start == callee);
        Assert.DoesNotContain(small.Blocks, b => b.Start == callee);

        var compiled = new RegionCompiler().Compile(process, entry)!;

        // Only its IL's size sends the compiler back to the small region (the same code with a short callee
        // compiles hot, above).
        Assert.Equal(small.InstructionCount, compiled.Instructions);
        Assert.True(compiled.IlBytes <= RegionCompiler.MaxIlBytes, $"{compiled.IlBytes} IL bytes");
    }
}
