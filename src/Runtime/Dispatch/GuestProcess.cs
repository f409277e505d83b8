using Iced.Intel;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Dispatch;

/// <summary>How a guest run ended: an exit status, or death by a signal (with a one-line report).</summary>
public readonly record struct GuestOutcome(int Status, int Signal, string? Report);

/// <summary>
/// The guest process: its block cache, syscall layer and the dispatcher loop.
///
/// The dispatcher finds (or decodes) the block at RIP and runs it. Before a block runs, RIP is set
/// to its fall-through address; branch handlers overwrite it. A fault inside the block unwinds as
/// an exception, and the catch knows which instruction was running, so the guest sees the precise
/// RIP of the faulting instruction. Exits and fatal signals unwind as <see cref="GuestExitException"/>.
/// </summary>
public sealed unsafe class GuestProcess
{
    public readonly BlockCache Blocks = new();
    public readonly RunOptions Options;
    public ISyscallHandler Syscalls = null!;
    /// <summary>The guest program's path (what /proc/self/exe names).</summary>
    public string ExePath = "";
    /// <summary>Guest-registered signal handlers (sa_handler per signal, 0 = SIG_DFL, 1 = SIG_IGN).</summary>
    public readonly ulong[] SignalHandlers = new ulong[65];

    public long InstructionsInterpreted;
    public long BlocksRun;

    public GuestProcess(RunOptions options) => Options = options;

    /// <summary>The IL tier, when one is attached; null runs everything in the interpreter.</summary>
    public ICompiler? Compiler;
    /// <summary>Block entries after which <see cref="Tier.Auto"/> translates a block's region.</summary>
    public int HotThreshold = 100;

    public long RegionsCompiled, RegionEntries, CompileFailures;
    /// <summary>Region exits that continued straight into another translated region.</summary>
    public long ChainHits;
    public long IlBytes;
    public TimeSpan CompileTime, JitTime;

    /// <summary>The translated region at <paramref name="rip"/>, if there is one (for chaining computed exits).</summary>
    public CompiledRegion? LookupCompiled(ulong rip)
    {
        var b = fast[(int)((rip ^ (rip >> 14)) & FastMask)];
        if (b == null || b.Start != rip) Blocks.TryGet(rip, out b);
        return b is { Valid: true, Compiled: { } c } ? c : null;
    }

    const int FastMask = (1 << 14) - 1;
    readonly Block?[] fast = new Block?[FastMask + 1];

    /// <summary>Runs <paramref name="cpu"/> until the guest exits or dies.</summary>
    public GuestOutcome Run(Cpu cpu)
    {
        CpuState* s = cpu.S;
        var cache = Blocks;
        long executed = 0, blocksRun = 0, regionEntries = 0;
        int threshold = Options.Tier switch { Tier.Jit => 1, Tier.Interp => int.MaxValue, _ => HotThreshold };
        if (Compiler == null) threshold = int.MaxValue;
        try
        {
            while (true)
            {
                ulong rip = s->Rip;
                // A direct-mapped table in front of the block cache: one load and two compares on a hit.
                ref Block? slot = ref fast[(int)((rip ^ (rip >> 14)) & FastMask)];
                var block = slot;
                if (block == null || block.Start != rip || !block.Valid)
                {
                    if (!cache.TryGet(rip, out block))
                    {
                        try { block = cache.Decode(rip); }
                        catch (GuestFaultException f) { Fault(cpu, rip, f); continue; }
                    }
                    slot = block;
                }
                var compiled = block.Compiled;
                if (compiled == null && ++block.ExecCount >= threshold && !block.CompileRequested)
                {
                    block.CompileRequested = true;
                    compiled = Compile(block);
                }
                if (compiled != null)
                {
                    regionEntries++;
                    try { compiled.Code(cpu, s); }
                    catch (GuestFaultException f) { Fault(cpu, s->Rip, f); }
                    catch (GuestSignalException g) { Signal(cpu, g); }
                    continue;
                }
                var insns = block.Insns;
                var handlers = block.Handlers;
                s->Rip = block.End;
                int i = 0;
                try
                {
                    for (; i < insns.Length; i++) handlers[i](cpu, in insns[i]);
                }
                catch (GuestFaultException f) { s->Rip = insns[i].IP; Fault(cpu, insns[i].IP, f); }
                catch (GuestSignalException g) { s->Rip = insns[i].IP; Signal(cpu, g); }
                executed += i;
                blocksRun++;
            }
        }
        catch (GuestExitException e)
        {
            InstructionsInterpreted += executed;
            BlocksRun += blocksRun;
            RegionEntries += regionEntries;
            return new GuestOutcome(e.Status, e.Signal, e.Signal != 0 ? LastReport : null);
        }
    }

    CompiledRegion? Compile(Block block)
    {
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        CompiledRegion? r;
        try { r = Compiler!.Compile(this, block); }
        catch (Exception e) when (e is not GuestExitException)
        {
            CompileFailures++;
            if (Environment.GetEnvironmentVariable("UNIJIT_DEBUG") == "1") Console.Error.WriteLine($"unijit: compile 0x{block.Start:x} failed: {e}");
            r = null;
        }
        CompileTime += System.Diagnostics.Stopwatch.GetElapsedTime(t0);
        if (r == null || !block.Valid) return null;
        r.Entry = block;
        block.Compiled = r;
        RegionsCompiled++;
        IlBytes += r.IlBytes;
        JitTime += r.JitTime;
        if (Environment.GetEnvironmentVariable("UNIJIT_DEBUG") == "2")
            Console.Error.WriteLine($"unijit: region 0x{block.Start:x}: {r.Instructions} instructions, {r.IlBytes} IL bytes, JIT {r.JitTime.TotalMilliseconds:F2} ms");
        return r;
    }

    /// <summary>The report for the signal that ended the process.</summary>
    public string? LastReport;

    void Fault(Cpu cpu, ulong rip, GuestFaultException f) =>
        Signal(cpu, new GuestSignalException(Signals.SIGSEGV, f.Mapped ? 2 : 1, f.Address));

    /// <summary>Delivers a synchronous signal. Until signal frames exist, a signal the guest did not
    /// ignore ends the process as the kernel's default action would.</summary>
    void Signal(Cpu cpu, GuestSignalException g)
    {
        string what = g.Signal switch
        {
            Signals.SIGSEGV => $"{Signals.Name(g.Signal)} at rip=0x{cpu.S->Rip:x}, fault address 0x{g.Address:x}",
            _ => $"{Signals.Name(g.Signal)} at rip=0x{cpu.S->Rip:x}",
        };
        LastReport = g.Detail != null ? $"{what}: {g.Detail}" : what;
        throw new GuestExitException(128 + g.Signal, g.Signal);
    }
}
