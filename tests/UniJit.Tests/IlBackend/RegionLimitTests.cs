using Iced.Intel;
using UniJit.IlBackend.Analysis;
using UniJit.IlBackend.Emit;
using UniJit.IlBackend.Persist;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.IlBackend;

/// <summary>How large a region grows (<see cref="RegionBuilder.Limits"/>): a run compiles regions within
/// <see cref="RegionBuilder.Small"/>, the regions it saves take callees of up to <see cref="RegionBuilder.Hot"/>'s
/// size whole, and a saved region whose IL would be too large for RyuJIT to optimize is cut to its first blocks.</summary>
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
    public void SavedRegionsTakeLargerCalleesWhole()
    {
        var (process, start, callee) = LoopCalling(200, (a, k) => a.add(rax, k + 1));
        var entry = MarkAllRun(process, start);

        var small = RegionBuilder.Build(process.Blocks, entry, executedOnly: true, RegionBuilder.Small);
        var hot = RegionBuilder.Build(process.Blocks, entry, executedOnly: true, RegionBuilder.Hot);

        Assert.DoesNotContain(small.Blocks, b => b.Start == callee);
        Assert.Contains(hot.Blocks, b => b.Start == callee);
        Assert.True(hot.InstructionCount > 200, $"{hot.InstructionCount} instructions");
        // A run compiles the small one (the hot one's JIT time would be this run's).
        Assert.Equal(small.InstructionCount, new RegionCompiler().Compile(process, entry)!.Instructions);
        // Saved, the hot one stays whole: its IL is small enough.
        var saved = Save(hot, out var log);
        Assert.Equal(hot.InstructionCount, saved.Instructions);
        Assert.DoesNotContain("cut to", log);
    }

    [Fact]
    public void ASavedRegionWhoseIlIsTooLargeIsCut()
    {
        // Read-modify-writes of memory, each with its own access, flags and store: well over the IL limit
        // for a callee that Hot takes whole.
        var (process, start, callee) = LoopCalling(390, (a, k) => a.adc(__qword_ptr[rdi + rsi * 8 + k * 8], rax));
        var entry = MarkAllRun(process, start);
        var hot = RegionBuilder.Build(process.Blocks, entry, executedOnly: true, RegionBuilder.Hot);
        Assert.Contains(hot.Blocks, b => b.Start == callee);

        var saved = Save(hot, out var log);

        // Its first blocks, a prefix of the region that leaves the callee's last blocks out.
        Assert.Contains("cut to", log);
        Assert.InRange(saved.Instructions, 1, hot.InstructionCount / 2);
        Assert.Equal(hot.Blocks.Take(saved.Starts.Length).Select(b => b.Start), saved.Starts);
        Assert.Equal(saved.Instructions, hot.Blocks.Take(saved.Starts.Length).Sum(b => b.Insns.Length));
    }

    /// <summary>The region as the cache builder emits it for a later run: the recipe it records.</summary>
    static RegionRecipe Save(Region region, out string log)
    {
        var recipe = new RegionRecipe
        {
            Starts = region.Blocks.Select(b => b.Start).ToArray(),
            Bytes = region.Blocks.Select(b =>
            {
                var bytes = new byte[b.End - b.Start];
                GuestMemory.ReadBytes(b.Start, bytes);
                return bytes;
            }).ToArray(),
        };
        var writer = new StringWriter();
        string path = Path.Combine(Path.GetTempPath(), $"unijit-limit-test-{Environment.ProcessId}.dll");
        try
        {
            var built = CacheBuilder.Emit([recipe], "test", path, writer);
            log = writer.ToString();
            return Assert.Single(built);
        }
        finally { File.Delete(path); }
    }
}
