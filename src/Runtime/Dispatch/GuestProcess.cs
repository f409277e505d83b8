using Iced.Intel;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Dispatch;

/// <summary>How a guest run ended: an exit status, or death by a signal (with a one-line report).</summary>
public readonly record struct GuestOutcome(int Status, int Signal, string? Report, bool ThreadOnly = false);

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
    /// <summary>Signal dispositions and process-directed pending signals.</summary>
    public readonly SignalState Signals = new();

    public long InstructionsInterpreted;
    public long BlocksRun;

    public GuestProcess(RunOptions options) => Options = options;

    /// <summary>The IL tier, when one is attached; null runs everything in the interpreter.</summary>
    public ICompiler? Compiler;
    /// <summary>Block entries after which <see cref="Tier.Auto"/> translates a block's region.</summary>
    /// <remarks>3000: compilation is synchronous and RyuJIT takes 1–20 ms a region, the cost of
    /// interpreting ~10^5–10^6 instructions, so a region must run long after it got hot to pay for itself.
    /// Measured on the loaded 2-core machine (CPU time, docs/PERFORMANCE.md): from 1000 to 10 000 (third
    /// session), python3 -c pass 5.0–6.5 → 2.9–3.4 s, fib.py 13.8–15.6 → 9.9–12.8 s; 30 000 was slower again.
    /// Since regions keep to code that has run (seventh session) they cost about half as much to compile,
    /// and 10 000 → 3000 made every C benchmark and Python workload faster (compress 0.37 → 0.32, memstr
    /// 1.36 → 1.09, strings.py 6.98 → 6.01 s) while python3 -c pass got slower (1.60 → 1.94 s).
    /// A background compile thread was tried and was slower on this loaded machine, so it is not in.
    /// UNIJIT_HOT overrides it.</remarks>
    public int HotThreshold = int.TryParse(Environment.GetEnvironmentVariable("UNIJIT_HOT"), out var h) && h > 0 ? h : 3000;

    public long RegionsCompiled, RegionEntries, CompileFailures;
    public long IlBytes;
    public TimeSpan CompileTime, JitTime;

    /// <summary>The translated region at <paramref name="rip"/>, if there is one (for chaining computed exits).</summary>
    public CompiledRegion? LookupCompiled(ulong rip)
    {
        ref Block? slot = ref fast[(int)((rip ^ (rip >> 14)) & FastMask)];
        var b = slot;
        if (b == null || b.Start != rip)
        {
            if (!Blocks.TryGet(rip, out b)) return null;
            slot = b;
        }
        return b.Valid && b.Compiled is { } c ? c : null;
    }

    /// <summary>Translated regions by computed target (returns, indirect jumps and calls), direct-mapped
    /// by <see cref="JumpSlot"/>, like qemu's tb_jmp_cache: a region's exit to a computed address tests
    /// the entry here inline (start and <see cref="CompiledRegion.Valid"/>) before it asks
    /// <see cref="LookupCompiled"/>. Entries are references, so a reader on another thread sees a whole one.</summary>
    public readonly CompiledRegion?[] JumpCache = new CompiledRegion?[JumpMask + 1];
    public const int JumpMask = (1 << 12) - 1;
    public static int JumpSlot(ulong rip) => (int)((rip ^ (rip >> 12)) & JumpMask);

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
            int* attention = HostSignals.Attention;
            while (true)
            {
                if ((*attention | s->Attention) != 0) SignalDelivery.DeliverPending(cpu);
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
                if (compiled != null && !cpu.StepInterpreted)
                {
                    regionEntries++;
                    // Inside translated code only interpreter handlers throw, with the registers stored.
                    // Through the entry point chained exits call too (CompiledRegion.Method), not the delegate.
                    try { ((delegate*<object?, Cpu, CpuState*, int, void>)compiled.Method)(compiled.Context, cpu, s, compiled.EntryIndex); }
                    catch (GuestFaultException f) { s->Rip = s->HandlerIp; Fault(cpu, s->Rip, f); }
                    catch (GuestSignalException g) { s->Rip = s->HandlerIp; Signal(cpu, g); }
                    continue;
                }
                cpu.StepInterpreted = false;
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
            return new GuestOutcome(e.Status, e.Signal, e.Signal != 0 ? LastReport : null, e.ThreadOnly);
        }
    }

    /// <summary>Guest threads by tid.</summary>
    public readonly GuestThreads Threads = new();
    int liveThreads = 1;
    /// <summary>Ends the whole process with this outcome (the launcher's exit path). Called when a
    /// thread other than the first ends the process (exit_group, a fatal signal, the last exit);
    /// it does not return.</summary>
    public Action<GuestOutcome>? EndProcess;

    /// <summary>Starts guest thread <paramref name="child"/> on a new host thread (clone with
    /// CLONE_THREAD). <paramref name="started"/> runs on the new thread, with its tid known, before
    /// any guest code, and before this call returns.</summary>
    public void StartThread(Cpu child, Action<Cpu> started)
    {
        Interlocked.Increment(ref liveThreads);
        using var ready = new ManualResetEventSlim();
        var t = new Thread(() =>
        {
            child.Tid = (int)Native.Sys(186 /* gettid */);
            Threads.Set(child.Tid, child);
            started(child);
            ready.Set();
            var outcome = Run(child);
            if (!ThreadEnded(child, outcome)) return;
            EndProcess?.Invoke(outcome);
        }, 16 << 20) { IsBackground = true, Name = "guest thread" };
        t.Start();
        ready.Wait();
    }

    /// <summary>Accounts for a guest thread that finished; true if the process ends with it (the last
    /// thread exited, or the outcome is a group exit or a fatal signal).</summary>
    public bool ThreadEnded(Cpu cpu, GuestOutcome outcome)
    {
        Threads.Remove(cpu.Tid);
        int left = Interlocked.Decrement(ref liveThreads);
        return !outcome.ThreadOnly || left == 0;
    }

    readonly object compileGate = new();

    CompiledRegion? Compile(Block block)
    {
        lock (compileGate) return CompileLocked(block);
    }

    CompiledRegion? CompileLocked(Block block)
    {
        if (block.Compiled is { } done) return done;
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
        // The other entries go public only while the region is valid (Invalidate drops those published).
        foreach (var o in r.Others)
            if (r.Valid && o.Entry is { Valid: true, Compiled: null } b) b.Compiled = o;
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
        Signal(cpu, new GuestSignalException(Dispatch.Signals.SIGSEGV, f.Mapped ? 2 : 1, f.Address));

    /// <summary>Delivers a synchronous signal raised by the instruction at RIP (or, for a trap, reported
    /// after it): the guest's handler runs, or the process dies with a one-line report.</summary>
    void Signal(Cpu cpu, GuestSignalException g)
    {
        if (g.TrapRip != 0) cpu.S->Rip = g.TrapRip;
        string what = g.Signal switch
        {
            Dispatch.Signals.SIGSEGV or Dispatch.Signals.SIGBUS =>
                $"{Dispatch.Signals.Name(g.Signal)} at rip=0x{cpu.S->Rip:x}, fault address 0x{g.Address:x}",
            _ => $"{Dispatch.Signals.Name(g.Signal)} at rip=0x{cpu.S->Rip:x}",
        };
        // si_addr is the fault address for SIGSEGV/SIGBUS, the instruction for SIGILL/SIGFPE, 0 for int3.
        ulong addr = g.Signal switch
        {
            Dispatch.Signals.SIGSEGV or Dispatch.Signals.SIGBUS => g.Address,
            Dispatch.Signals.SIGILL or Dispatch.Signals.SIGFPE => cpu.S->Rip,
            _ => 0,
        };
        SignalDelivery.Fault(cpu, SigInfo.Fault(g.Signal, g.Code, addr), g.Detail != null ? $"{what}: {g.Detail}" : what);
    }
}
