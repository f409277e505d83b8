using System.Reflection.Emit;
using Iced.Intel;
using FlowControl = Iced.Intel.FlowControl;
using UniJit.IlBackend.Analysis;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Interpreter;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using Label = System.Reflection.Emit.Label;

namespace UniJit.IlBackend.Emit;

/// <summary>
/// The IL tier: translates a region (see <see cref="RegionBuilder"/>) into one DynamicMethod.
///
/// Passes: build the region → flag liveness (<see cref="FlagAnalysis"/>) → emit → JIT (on first call).
/// Shape of the method: registers (general, and the XMM registers the region names) are loaded into
/// locals, then every guest block follows as a label;
/// branches between region blocks are IL branches (so loops run without leaving the method); every
/// exit stores the next RIP and goes to one shared epilogue that stores the registers back. There is
/// no exception handler, so RyuJIT can keep the register locals in host registers. Memory accesses
/// are inline (<see cref="IlEmitter.HostAddress"/>); one that needs the slow path leaves the region
/// before its instruction, which the interpreter then runs (and faults on, precisely). Instructions
/// without an inline emitter call the interpreter's own handler (semantics once), with every register
/// the region writes stored before and those the handler writes reloaded after; a handler that throws
/// leaves the state exact but for RIP, which the dispatcher sets from <see cref="CpuState.HandlerIp"/>.
/// </summary>
public sealed unsafe class RegionCompiler : ICompiler
{
    /// <summary>Where the regions compiled in this run are recorded for later runs (null: nowhere).</summary>
    public Persist.TranslationCache? Cache;

    /// <summary>Whether translated code counts the guest instructions it runs (<see cref="CpuState.InstructionCount"/>,
    /// which only --stats reports): an add per block, and a register held for the count through every loop, whose
    /// pressure made RyuJIT spill in compress's inner loop (0.43 s without the count, 0.47 s with it, scale 10).
    /// Set before anything is compiled (the launcher: on with --stats); saved translations are kept apart by it.</summary>
    public static bool CountInstructions
    {
        get => countInstructions;
        set { countInstructions = value; if (value) FallbackRuns ??= new long[FallbackSlots]; }
    }
    static bool countInstructions;

    /// <summary>With <see cref="CountInstructions"/>: how many times translated code ran each instruction form
    /// (index: its <see cref="Code"/>) through the interpreter's handler instead of inline IL; --stats names
    /// the most frequent, the candidates for an inline emitter.</summary>
    public static long[]? FallbackRuns;
    const int FallbackSlots = 8192;

    /// <summary>A saved region whose IL comes out larger is cut until it fits (<see cref="Persist.CacheBuilder"/>):
    /// RyuJIT compiled a 45 000-byte one with MinOpts (its limits count IL instructions, basic blocks and local
    /// references, not bytes), several times slower code; the largest of python3's workloads' regions under
    /// <see cref="RegionBuilder.Hot"/> were 37 500 bytes.</summary>
    public const int MaxIlBytes = 32_000;

    public CompiledRegion? Compile(GuestProcess process, Block entry)
    {
        // Promoted by hotness, a region keeps to the code that has run: a block neither interpreted nor
        // translated yet leaves the region (compiling paths that never run cost JIT time, ~40 % of the IL
        // of python3 -c pass). --tier=jit compiles on first execution, when nothing has run yet.
        // Within the small limits: the larger regions saved for later runs (RegionBuilder.Hot) would cost this run
        // their JIT time (json_rt.py 5.8 → 6.7 s of CPU with --no-cache).
        var region = RegionBuilder.Build(process.Blocks, entry, executedOnly: process.Options.Tier == Tier.Auto, RegionBuilder.Small);
        var c = new Compilation(region, process);
        var code = c.Emit()!;
        ulong last = ulong.MaxValue; // the page of the block before, which most share
        foreach (var b in region.Blocks)
        {
            if (!b.Valid) return null;
            if (b == entry) continue;
            for (ulong p = b.Start >> GuestMemory.PageShift; p <= (b.End - 1) >> GuestMemory.PageShift; p++)
                if (p != last) process.Blocks.AddDependency(entry, last = p);
        }
        foreach (var b in region.Blocks) b.Translated = true;
        Cache?.Record(region);
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        code(null!, null, 0);
        var jit = System.Diagnostics.Stopwatch.GetElapsedTime(t0);
        nint entryPoint = EntryPoint(code);
        return new CompiledRegion(code, entryPoint, region.InstructionCount, c.IlSize)
        {
            JitTime = jit,
            Others = OtherEntries(code, entryPoint, c.Entries),
        };
    }

    /// <summary>The entry point a delegate to a DynamicMethod calls. A DynamicMethod has no method handle to
    /// ask and IL cannot <c>ldftn</c> one, so it is read from the delegate: a delegate closed over the first
    /// argument of a static method calls its <c>_methodPtr</c> with its <c>_target</c> as that argument
    /// (CoreCLR's delegate layout, which RyuJIT's own delegate calls rely on).</summary>
    static nint EntryPoint(RegionCode code) =>
        methodPtr?.GetValue(code) is nint p && p != 0 ? p
            : throw new InvalidOperationException("this .NET runtime's delegates have no _methodPtr: regions cannot chain");

    static readonly System.Reflection.FieldInfo? methodPtr =
        typeof(Delegate).GetField("_methodPtr", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);

    static CompiledRegion[] OtherEntries(RegionCode code, nint entryPoint, List<Block> entries)
    {
        var others = new CompiledRegion[entries.Count - 1];
        for (int k = 1; k < entries.Count; k++) others[k - 1] = new CompiledRegion(code, entryPoint, 0, 0) { Entry = entries[k], EntryIndex = k };
        return others;
    }

    /// <summary>The general registers (bit n = register n, of those in <paramref name="used"/>) a region keeps in
    /// the state rather than in locals (<see cref="IlEmitter.InState"/>).</summary>
    public static int ColdRegisters(Region region, int used) => Compilation.ColdRegisters(region, used);

    internal sealed class Compilation
    {
        readonly Region region;
        readonly DynamicMethod? method;
        readonly IlEmitter em;
        readonly ILGenerator il;
        readonly AddressMap<Label> labels = new(64);
        // An array and a count, not a List<Instruction>: that CoreLib instantiation is not precompiled.
        Instruction[] fallbackInsns = new Instruction[8];
        int fallbackCount;
        readonly Dictionary<Block, FlagNeed[]> flagsNeeded;
        /// <summary>Blocks whose start an exit may read the flags from: a branch into one stores the
        /// deferred flags of the block it leaves.</summary>
        readonly HashSet<Block> storeOnEntry;
        readonly AddressMap<Block> blockAt;
        readonly LocalBuilder next, curIp, icount;
        /// <summary>XMM registers named by the region's instructions live in vector locals, loaded at
        /// entry and after handler calls that write them; those the region writes are stored back at
        /// every exit and before every handler call (which may read them).</summary>
        readonly LocalBuilder?[] xmm = new LocalBuilder?[16];
        static readonly int xmmOffset = StateLayout.Xmm;
        public readonly LocalBuilder Fa, Fb, Fr;
        /// <summary>The flags word of the last comparison of a native region (<see cref="FusionKind.Fp"/>).</summary>
        public readonly LocalBuilder FpFlags;
        readonly Label epilogue;
        public FusionKind Producer;
        int regionUsed, regionWritten, regionXmmWritten;
        public int ProducerSize;
        public int IlSize;

        readonly GuestProcess? process;
        /// <summary>A region method's parameters (the <see cref="RegionCode"/> delegate's, with the context first).</summary>
        static readonly Type[] regionParameters = [typeof(RegionContext), typeof(Cpu), typeof(CpuState*), typeof(int)];
        readonly List<ulong> linkTargets = new();
        readonly AddressMap<int> linkSlots = new();
        LocalBuilder linkSlot = null!;

        /// <summary>A region to translate: into a DynamicMethod for this process, or (with
        /// <paramref name="saveTo"/>) into public static method <paramref name="name"/> of a type saved
        /// for later runs (<see cref="Persist.CacheBuilder"/>), whose code holds no pointer into this process.</summary>
        public Compilation(Region region, GuestProcess? process, TypeBuilder? saveTo = null, string? name = null)
        {
            this.region = region;
            this.process = process;
            Type[] parameters = regionParameters;
            if (saveTo != null)
            {
                il = saveTo.DefineMethod(name!, System.Reflection.MethodAttributes.Public | System.Reflection.MethodAttributes.Static,
                    typeof(void), parameters).GetILGenerator(4096);
            }
            else
            {
                method = new DynamicMethod($"region_{region.Entry.Start:x}", typeof(void), parameters,
                    typeof(RegionCompiler).Module, skipVisibility: true);
                il = method.GetILGenerator(4096);
            }
            em = new IlEmitter(il, portable: saveTo != null);
            next = il.DeclareLocal(typeof(ulong));
            curIp = il.DeclareLocal(typeof(ulong));
            icount = il.DeclareLocal(typeof(long));
            foreach (var b in region.Blocks)
                foreach (var ins in b.Insns)
                    for (int k = 0; k < ins.OpCount; k++)
                        if (ins.GetOpKind(k) == OpKind.Register && ins.GetOpRegister(k) is >= Register.XMM0 and <= Register.XMM15)
                            xmm[ins.GetOpRegister(k) - Register.XMM0] ??= il.DeclareLocal(typeof(System.Runtime.Intrinsics.Vector128<byte>));
            Fa = il.DeclareLocal(typeof(ulong));
            Fb = il.DeclareLocal(typeof(ulong));
            Fr = il.DeclareLocal(typeof(ulong));
            FpFlags = il.DeclareLocal(typeof(ulong));
            epilogue = il.DefineLabel();
            linkSlot = il.DeclareLocal(typeof(int));
            foreach (var b in region.Blocks)
                foreach (var ins in b.Insns)
                    NativeFp |= InstEmit.RunsNatively(in ins);
            returnsTo = ReturnTargets(region);
            flagsNeeded = FlagAnalysis.Analyze(region, returnsTo, out storeOnEntry);
            em.CheckAccess = CheckAccess;
            foreach (var b in region.Blocks) labels[b.Start] = il.DefineLabel();
            blockAt = region.ByStart();
            Entries.Add(region.Entry);
            foreach (var b in region.Blocks)
                if (b.Insns.Length > 0 && b.Insns[^1].FlowControl is FlowControl.Call or FlowControl.IndirectCall
                    && blockAt.TryGetValue(b.End, out var after) && !Entries.Contains(after) && Entries.Count < MaxEntries)
                    Entries.Add(after);
            groupsOf = GroupAccesses();
            predecessors = Predecessors();
        }

        /// <summary>Each block's in-region predecessors: branches and fall-throughs into it, the calls of a
        /// callee, the rets that branch to it inline.</summary>
        readonly Dictionary<Block, List<Block>> predecessors;
        /// <summary>The fusable producer whose operands and result the fusion locals hold at the end of each
        /// block emitted so far (<see cref="Producer"/> there).</summary>
        readonly Dictionary<Block, ProducerAt> producerAtEnd = new();

        /// <summary>A producer kind and operand size (a class: CoreLib's Dictionary of a value tuple is not
        /// precompiled into UniJit's image).</summary>
        sealed record ProducerAt(FusionKind Kind, int Size);

        Dictionary<Block, List<Block>> Predecessors()
        {
            var result = new Dictionary<Block, List<Block>>();
            void Add(ulong target, Block from)
            {
                if (!blockAt.TryGetValue(target, out var to)) return;
                if (!result.TryGetValue(to, out var list)) result[to] = list = new List<Block>();
                if (!list.Contains(from)) list.Add(from);
            }
            foreach (var b in region.Blocks)
            {
                foreach (var t in DistinctSuccessors(b)) Add(t, b);
                if (RegionBuilder.DirectCall(b) is { } callee) Add(callee, b);
                if (returnsTo.TryGetValue(b, out var targets))
                    foreach (var t in targets) Add(t, b);
            }
            return result;
        }

        /// <summary>The producer a block starts with: the fusion locals (Fa, Fb, Fr) hold the operands of the
        /// flags a consumer at its start reads when every way into it is an in-region block emitted before it
        /// that ended with a fusable producer of the same kind and size, and it is no entry (which runs from
        /// the state). FlagAnalysis still counts that consumer as reading the state, so the producers store
        /// their flags as before: what this saves is the consumer's call into the lazy-flags code
        /// (<c>cmp; jle a; ... a: ja b</c>, as GCC emits, or glibc's <c>dec; jl a; mov; je b</c>).</summary>
        void InheritProducer(Block b)
        {
            Producer = FusionKind.None;
            if (Entries.Contains(b) || !predecessors.TryGetValue(b, out var from) || from.Count == 0) return;
            ProducerAt? common = null;
            foreach (var p in from)
            {
                if (!producerAtEnd.TryGetValue(p, out var at)
                    || at.Kind is not (FusionKind.Sub or FusionKind.Logic or FusionKind.Add or FusionKind.Result or FusionKind.IncDec)
                    || common != null && common != at) return;
                common = at;
            }
            Producer = common!.Kind;
            ProducerSize = common.Size;
        }

        /// <summary>Each block's access groups (<see cref="AccessGroups"/>), with the index of its first
        /// instruction in them.</summary>
        readonly Dictionary<Block, GroupsAt> groupsOf;

        /// <summary>A block's groups and the index of its first instruction in them (a class: CoreLib's
        /// Dictionary of a value tuple is not precompiled into UniJit's image).</summary>
        sealed record GroupsAt(AccessGroups Groups, int First);

        /// <summary>Groups the accesses of each chain of blocks: a block that only one in-region branch or
        /// fall-through reaches (not an entry, no other branch, call or return targets it) goes on with the
        /// groups of the block it comes from, since every run of it has just passed their checks with the
        /// groups' registers unchanged (a block goes on into one such successor: the one it falls through
        /// to, else its branch's target). A group may then span accesses of a block that a run skips:
        /// its check covers bytes nothing touches, and when those are refused the region leaves before
        /// the group's first member and the interpreter runs on from there, as for any refused check.
        /// CPython's handlers test for errors and go on with the same frame and stack (<c>test; je error</c>),
        /// which used to start new checks of the same bases after every such test.</summary>
        Dictionary<Block, GroupsAt> GroupAccesses()
        {
            var reached = new AddressMap<int>(region.Blocks.Count);
            void Reach(ulong t) => reached[t] = reached.GetValueOrDefault(t) + 1;
            foreach (var b in region.Blocks)
            {
                foreach (var t in DistinctSuccessors(b)) Reach(t);
                if (RegionBuilder.DirectCall(b) is { } callee) Reach(callee);
            }
            foreach (var targets in returnsTo.Values)
                foreach (var t in targets) Reach(t);
            bool Continues(ulong t, out Block next) =>
                blockAt.TryGetValue(t, out next!) && reached.GetValueOrDefault(t) == 1 && !Entries.Contains(next);
            var onto = new Dictionary<Block, Block>();
            var from = new HashSet<Block>();
            foreach (var b in region.Blocks)
            {
                if (b.Insns.Length == 0) continue;
                ref readonly var last = ref b.Insns[^1];
                Block? next = null;
                if (last.FlowControl is FlowControl.ConditionalBranch || last.FlowControl == FlowControl.Next && last.Code != Code.Syscall)
                    if (Continues(b.End, out var n)) next = n;
                if (next == null && last.FlowControl is FlowControl.ConditionalBranch or FlowControl.UnconditionalBranch
                    && last.Op0Kind == OpKind.NearBranch64 && Continues(last.NearBranchTarget, out var t)) next = t;
                if (next != null && next != b && from.Add(next)) onto[b] = next;
            }
            var result = new Dictionary<Block, GroupsAt>();
            foreach (var head in region.Blocks)
            {
                if (from.Contains(head)) continue;
                var chain = new List<Block> { head };
                var seen = new HashSet<Block> { head };
                while (onto.TryGetValue(chain[^1], out var n) && seen.Add(n)) chain.Add(n);
                var groups = AccessGroups.Of(chain.Count == 1 ? head.Insns : Concat(chain));
                int first = 0;
                foreach (var c in chain) { result[c] = new(groups, first); first += c.Insns.Length; }
            }
            // A cycle of such blocks alone (no head leads into it): each block by itself.
            foreach (var b in region.Blocks)
                if (!result.ContainsKey(b)) result[b] = new(AccessGroups.Of(b.Insns), 0);
            return result;
        }

        /// <summary>The instructions of <paramref name="chain"/>'s blocks, in order.</summary>
        static Instruction[] Concat(List<Block> chain)
        {
            int n = 0;
            foreach (var c in chain) n += c.Insns.Length;
            var all = new Instruction[n];
            n = 0;
            foreach (var c in chain) { c.Insns.CopyTo(all, n); n += c.Insns.Length; }
            return all;
        }

        /// <summary><see cref="RegionBuilder.Successors"/> without repeats (a jcc to the next instruction names
        /// its fall-through twice).</summary>
        static List<ulong> DistinctSuccessors(Block b)
        {
            var list = new List<ulong>(2);
            foreach (var t in RegionBuilder.Successors(b))
                if (!list.Contains(t)) list.Add(t);
            return list;
        }

        /// <summary>Where the method may be entered: the region's start, then the blocks its calls return
        /// to. A callee that is not in the region returns through the dispatcher or a chained exit; without
        /// these entries the return address would be interpreted until it became hot and got a region of
        /// its own. The prologue branches on the entry the caller chose (its last argument,
        /// <see cref="CompiledRegion.EntryIndex"/>), and each entry loads the registers. Any block may begin a run this way: a block's code
        /// reads the flags from the state unless a producer in the same block precedes it, and an
        /// in-region branch stores whatever flags its target reads.</summary>
        public readonly List<Block> Entries = new();
        const int MaxEntries = 32;

        public IlEmitter Em => em;

        /// <summary>How deeply each block inside a loop of the region is nested: the number of back edges
        /// whose range of addresses (target to source) holds it. Blocks outside loops are not in it.</summary>
        static Dictionary<Block, int> LoopDepth(Region region)
        {
            var blockAt = region.ByStart();
            var result = new Dictionary<Block, int>();
            foreach (var b in region.Blocks)
                foreach (var t in DistinctSuccessors(b))
                    if (t <= b.Start && blockAt.ContainsKey(t))
                        foreach (var o in region.Blocks)
                            if (o.Start >= t && o.Start <= b.Start) result[o] = result.GetValueOrDefault(o) + 1;
            return result;
        }

        /// <summary>Whether at least half of the region's instructions are inside its loops: its time then goes
        /// into iterations rather than entries (<see cref="IlEmitter.LoadPointers"/>). Counted by address, since
        /// code that falls into a loop is decoded twice (the block before it runs on into the loop's body).</summary>
        static bool MostlyLoops(Region region)
        {
            var depth = LoopDepth(region);
            var inLoops = new AddressSet(64);
            var all = new AddressSet(64);
            foreach (var b in region.Blocks)
                foreach (var i in b.Insns)
                {
                    all.Add(i.IP);
                    if (depth.ContainsKey(b)) inLoops.Add(i.IP);
                }
            return inLoops.Count > 0 && 2 * inLoops.Count >= all.Count;
        }

        /// <summary>The region runs SSE floating point as host instructions under the guest's MXCSR
        /// (<see cref="SseNative"/>): it enters that MXCSR at its start
        /// (<see cref="SseMxcsr.RegionEnter"/>; a guest with an unmasked exception is left to the
        /// interpreter) and leaves it at every exit and around every interpreter-handler call.</summary>
        public readonly bool NativeFp;

        /// <summary>Pushes <see cref="SseMxcsr.RegionEnter"/>'s answer: 1 when the region may go on
        /// running floating point natively, 0 when an exception is unmasked.</summary>
        void EnterMxcsr()
        {
            em.LdState();
            em.Call(typeof(SseMxcsr).GetMethod(nameof(SseMxcsr.RegionEnter))!);
        }

        /// <summary>Back to .NET's MXCSR before managed code runs (a handler, <see cref="RegionContext.Resolve"/>,
        /// the dispatcher). A region without native floating point runs under whatever its chain left: the
        /// guest's MXCSR when it was held (<see cref="CpuState.FpHeld"/>), which it leaves only here, so that
        /// native floating-point regions chained through integer ones do not switch at every entry.</summary>
        void LeaveMxcsr()
        {
            if (NativeFp)
            {
                em.LdState();
                em.Call(typeof(SseMxcsr).GetMethod(nameof(SseMxcsr.RegionLeave))!);
                return;
            }
            var notHeld = il.DefineLabel();
            TakeHeld(notHeld);
            em.LdState();
            em.Call(typeof(SseMxcsr).GetMethod(nameof(SseMxcsr.LeaveHeld))!);
            em.MarkLabel(notHeld);
        }

        /// <summary>Branches to <paramref name="notHeld"/> unless the MXCSR is held (<see cref="CpuState.FpHeld"/>);
        /// if it is, clears the mark and falls through.</summary>
        void TakeHeld(System.Reflection.Emit.Label notHeld)
        {
            em.LdStateAddr(StateLayout.FpHeld);
            il.Emit(OpCodes.Ldind_I4);
            il.Emit(OpCodes.Brfalse, notHeld);
            em.LdStateAddr(StateLayout.FpHeld);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Stind_I4);
        }

        /// <summary>For each block of the region that ends in a ret: the return addresses of the direct
        /// calls in the region whose callee (also in the region) reaches that block without another call
        /// or ret. A ret compares the popped address with those and branches inline on a match.</summary>
        readonly Dictionary<Block, List<ulong>> returnsTo;
        LocalBuilder? returnAddress;
        const int MaxReturnTargets = 8;

        static Dictionary<Block, List<ulong>> ReturnTargets(Region region)
        {
            var index = region.ByStart();
            var result = new Dictionary<Block, List<ulong>>();
            foreach (var call in region.Blocks)
            {
                if (RegionBuilder.DirectCall(call) is not { } callee || !index.TryGetValue(callee, out var first)
                    || !index.ContainsKey(call.End)) continue;
                var seen = new HashSet<Block> { first };
                var work = new Stack<Block>();
                work.Push(first);
                while (work.Count > 0)
                {
                    var b = work.Pop();
                    if (b.Insns.Length > 0 && b.Insns[^1].Mnemonic == Mnemonic.Ret)
                    {
                        if (!result.TryGetValue(b, out var list)) result[b] = list = new List<ulong>();
                        if (!list.Contains(call.End) && list.Count < MaxReturnTargets) list.Add(call.End);
                        continue;
                    }
                    foreach (var t in RegionBuilder.Successors(b))
                        if (index.TryGetValue(t, out var nb) && seen.Add(nb)) work.Push(nb);
                }
            }
            return result;
        }

        /// <summary>Pops the address a ret returns to and continues there: inline when it is the return
        /// address of a call in this region into the function that holds the ret, else an exit. A ret
        /// that branches inline is a loop's back edge as far as signals go (see <see cref="BackEdgeCheck"/>).</summary>
        public void Return()
        {
            if (!returnsTo.TryGetValue(currentBlock, out var targets)) { ExitDynamic(); return; }
            var t = returnAddress ??= il.DeclareLocal(typeof(ulong));
            il.Emit(OpCodes.Stloc, t);
            var exit = il.DefineLabel();
            // Storing deferred flags is never wrong, only work: once here for every way out.
            bool anyNeeds = false;
            foreach (var k in targets) anyNeeds |= NeedsFlagsAt(k);
            if (anyNeeds) { pendingFlags!(); pendingFlags = null; em.PendingFlags = null; }
            LdAttention();
            il.Emit(OpCodes.Brtrue, exit);
            foreach (var k in targets)
            {
                il.Emit(OpCodes.Ldloc, t);
                em.LdConst(k);
                BranchInto(k);
                il.Emit(OpCodes.Beq, labels[k]);
            }
            em.MarkLabel(exit);
            il.Emit(OpCodes.Ldloc, t);
            ExitDynamic();
        }

        Block currentBlock = null!;

        /// <summary>Blocks emitted so far; per block, the register copies (<see cref="IlEmitter.CacheValid"/>)
        /// valid at every branch into it emitted so far, and those its code assumed valid on entry.</summary>
        readonly HashSet<Block> emitted = new();
        readonly Dictionary<Block, int> cacheInto = new(), cacheAssumed = new();

        /// <summary>Records a branch to region block <paramref name="target"/> from this point: the copies valid
        /// here, and, for a block already emitted (a back edge), that they include those its code assumed (the
        /// predecessors it was emitted after are all there are, so this only guards that reasoning).</summary>
        void BranchInto(ulong target)
        {
            var to = blockAt[target];
            cacheInto[to] = cacheInto.TryGetValue(to, out var v) ? v & em.CacheValid : em.CacheValid;
            if (cacheAssumed.TryGetValue(to, out var assumed) && (assumed & ~em.CacheValid) != 0)
                throw new InvalidOperationException($"branch into 0x{target:x} from 0x{emittingIp:x} without the register copies it assumes");
        }

        /// <summary>False while an instruction whose XMM result a later kept instruction of the block reads
        /// is emitted: its floating-point result needs no sink (<see cref="InstEmit.ResultsKept"/>).</summary>
        public bool SinkResult = true;

        /// <summary>True while an instruction whose flags only this block's exits need is emitted
        /// (<see cref="FlagNeed.Deferred"/>): its emitter computes without flags and calls
        /// <see cref="DeferFlags"/>.</summary>
        public bool FlagsDeferred;
        /// <summary>Emits the store of the deferred flags (a semantic helper called again on the saved
        /// inputs, result dropped), or null.</summary>
        Action? pendingFlags;

        /// <summary>Registers how to store the flags of the instruction being emitted: at every exit of
        /// the block, before handler calls, and in the slow paths of later accesses in the block.</summary>
        public void DeferFlags(System.Reflection.MethodInfo helper, int size, LocalBuilder a, LocalBuilder? b = null, int constB = 0)
        {
            pendingFlags = () =>
            {
                em.LdState();
                il.Emit(OpCodes.Ldc_I4, size);
                il.Emit(OpCodes.Ldloc, a);
                if (b != null) il.Emit(OpCodes.Ldloc, b);
                else if (helper.GetParameters().Length == 4) il.Emit(OpCodes.Ldc_I4, constB);
                em.Call(helper);
                il.Emit(OpCodes.Pop);
            };
            em.PendingFlags = pendingFlags;
        }

        /// <summary>The instructions whose emitters support <see cref="FlagNeed.Deferred"/>.</summary>
        static bool Deferrable(in Instruction ins) => InlineAlu.IsInline(in ins)
            || ins.Mnemonic is Mnemonic.Inc or Mnemonic.Dec or Mnemonic.Neg or Mnemonic.Imul
                or Mnemonic.Shl or Mnemonic.Sal or Mnemonic.Shr or Mnemonic.Sar or Mnemonic.Rol or Mnemonic.Ror;

        /// <summary>Pushes XMM register <paramref name="r"/> (a Vector128&lt;byte&gt;).</summary>
        public void LoadXmm(Register r) => il.Emit(OpCodes.Ldloc, xmm[r - Register.XMM0]!);

        /// <summary>Pops a Vector128&lt;byte&gt; into XMM register <paramref name="r"/>. A register the
        /// region's analysis did not count as written would never reach the state, so that fails the
        /// compilation instead (the region stays interpreted; UNIJIT_DEBUG=1 names it).</summary>
        public void StoreXmm(Register r)
        {
            if ((regionXmmWritten & (1 << (r - Register.XMM0))) == 0)
                throw new InvalidOperationException($"{r} written at 0x{emittingIp:x} but not stored at exits");
            il.Emit(OpCodes.Stloc, xmm[r - Register.XMM0]!);
        }

        /// <summary>Loads every XMM local from the state.</summary>
        void ReloadXmm()
        {
            for (int r = 0; r < 16; r++)
            {
                if (xmm[r] == null) continue;
                em.LdStateAddr(xmmOffset + 16 * r);
                il.Emit(OpCodes.Ldobj, typeof(System.Runtime.Intrinsics.Vector128<byte>));
                il.Emit(OpCodes.Stloc, xmm[r]!);
            }
        }

        /// <summary>Stores the XMM locals the region writes into the state.</summary>
        void SpillXmm()
        {
            for (int r = 0; r < 16; r++)
            {
                if (xmm[r] == null || (regionXmmWritten & (1 << r)) == 0) continue;
                em.LdStateAddr(xmmOffset + 16 * r);
                il.Emit(OpCodes.Ldloc, xmm[r]!);
                il.Emit(OpCodes.Stobj, typeof(System.Runtime.Intrinsics.Vector128<byte>));
            }
        }
        public ILGenerator Il => il;

        /// <summary>Emits the method; returns its delegate, or null when it is saved for later runs.</summary>
        public RegionCode? Emit()
        {
            // Called with a null state, the method returns at once: that call makes RyuJIT compile it
            // (on whichever thread asks), so JIT time is measured and kept off the guest's first run. A method
            // saved for later runs is compiled by crossgen2 instead and needs no such test at every entry.
            if (method != null)
            {
                var body = il.DefineLabel();
                il.Emit(OpCodes.Ldarg_2);
                il.Emit(OpCodes.Brtrue, body);
                il.Emit(OpCodes.Ret);
                il.MarkLabel(body);
            }
            em.LoadPointers(fromContext: MostlyLoops(region));
            // A region running floating point natively may chain here with the host MXCSR still the
            // guest's (CpuState.FpHeld): a native region carries on under it; any other runs under it too
            // (it raises no floating-point flags) and leaves it before managed code runs (LeaveMxcsr).
            var held = il.DefineLabel();
            if (NativeFp)
            {
                var notHeld = il.DefineLabel();
                TakeHeld(notHeld);
                il.Emit(OpCodes.Br, held);
                il.MarkLabel(notHeld);
                // Guest floating point runs under the guest's MXCSR; with an exception unmasked it
                // cannot (the host's must stay masked), and the interpreter runs the entry block instead.
                EnterMxcsr();
                il.Emit(OpCodes.Brtrue, held);
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Ldc_I4_1);
                il.Emit(OpCodes.Stfld, typeof(Cpu).GetField(nameof(Cpu.StepInterpreted))!);
                il.Emit(OpCodes.Ret);
            }
            il.MarkLabel(held);
            // Only the registers the region touches live in locals; only those it writes go back.
            // The rest stay current in the state, which handlers that touch everything read and write.
            regionUsed = 0; regionWritten = 0;
            foreach (var b in region.Blocks)
                foreach (var ins in b.Insns)
                {
                    var (u, w) = RegisterUse.Of(in ins);
                    if (RegisterUse.TouchesAll(in ins)) w = 0xFFFF;
                    regionUsed |= u; regionWritten |= w;
                    regionXmmWritten |= RegisterUse.TouchesAll(in ins) ? 0xFFFF : RegisterUse.XmmWritten(in ins);
                }
            regionWritten &= regionUsed;
            em.InState = ColdRegisters(region, regionUsed);
            int written = regionWritten;
            if (Entries.Count > 1)
            {
                // The entry chooses first, while its argument is still in its register, and each entry
                // loads the registers itself: with the loads before one shared switch, RyuJIT spilled the
                // argument and reloaded it through two stack slots on the way to the switch's indirect
                // jump (12 % of the samples of fib.py's hottest region, in the ReadyToRun code).
                var stubs = new Label[Entries.Count];
                for (int k = 0; k < stubs.Length; k++) stubs[k] = il.DefineLabel();
                il.Emit(OpCodes.Ldarg_3);
                il.Emit(OpCodes.Switch, stubs);
                for (int k = 0; k < stubs.Length; k++)
                {
                    // Entry 0 also takes an index out of range, as the switch falls through to it.
                    il.MarkLabel(stubs[k]);
                    em.Reload(regionUsed);
                    ReloadXmm();
                    il.Emit(OpCodes.Br, labels[Entries[k].Start]);
                }
            }
            else
            {
                em.Reload(regionUsed);
                ReloadXmm();
            }
            // No exception handler: a region with a catch keeps every local the catch reads in the stack
            // frame, and those are the guest registers. Nothing inline throws (a memory access or an
            // SSE helper that would fault leaves through a slow path instead, see below); only the
            // interpreter handlers called for other instructions do, and the registers are stored
            // before each of those calls (EmitFallback), so the state is exact when one throws.
            foreach (var b in region.Blocks) EmitBlock(b);
            em.CacheBlock(0);
            if (em.HasSlowPaths)
            {
                // A memory access needs the slow path, or an SSE helper asks for a retry: leave before
                // the instruction, which the interpreter runs next (faulting there precisely, or doing
                // the access); no chaining from here.
                var bail = il.DefineLabel();
                em.EmitSlowPaths(bail, curIp);
                il.MarkLabel(bail);
                em.Spill(written);
                SpillXmm();
                StoreRipAndCount(curIp);
                em.LdStateAddr(StateLayout.Retry);
                il.Emit(OpCodes.Ldc_I4_0);
                il.Emit(OpCodes.Stind_I4);
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Ldc_I4_1);
                il.Emit(OpCodes.Stfld, typeof(Cpu).GetField(nameof(Cpu.StepInterpreted))!);
                LeaveMxcsr();
                il.Emit(OpCodes.Ret);
            }

            il.MarkLabel(epilogue);
            em.Spill(written);
            SpillXmm();
            StoreRipAndCount(next);
            // Chaining: an exit continues in the region translated at its target, if any, as a tail call
            // (the state is already stored, exactly as the dispatcher would see it). The candidate is the
            // exit's link (a known target) or the jump cache's entry (a computed one); it is used when it
            // starts at the target and is still valid, else RegionContext.Resolve finds one (or none).
            // A region running floating point natively keeps the guest's MXCSR across a chain found
            // inline (CpuState.FpHeld; switching it costs an MXCSR read that waits for every pending
            // floating-point operation, and a write): it leaves it before returning to the dispatcher or
            // calling Resolve (managed code that must run under .NET's MXCSR).
            var plain = il.DefineLabel();
            var leavePlain = il.DefineLabel();
            var found = il.DefineLabel();
            var dynamicExit = il.DefineLabel();
            var test = il.DefineLabel();
            var resolve = il.DefineLabel();
            var chain = il.DefineLabel();
            var cand = il.DeclareLocal(typeof(CompiledRegion));
            // A pending signal: back to the dispatcher, which delivers it.
            LdAttention();
            il.Emit(OpCodes.Brtrue, leavePlain);
            il.Emit(OpCodes.Ldloc, linkSlot);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Blt, dynamicExit);
            // A link only ever holds a region that starts at its exit's target (Resolve): it is tested for being
            // there and valid, not for its start.
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, typeof(RegionContext).GetField(nameof(RegionContext.Links))!);
            il.Emit(OpCodes.Ldloc, linkSlot);
            il.Emit(OpCodes.Ldelem_Ref);
            il.Emit(OpCodes.Stloc, cand);
            il.Emit(OpCodes.Ldloc, cand);
            il.Emit(OpCodes.Brfalse, resolve);
            il.Emit(OpCodes.Br, test);
            il.MarkLabel(dynamicExit);
            // The jump cache's entry for the target (its index masked to the table's size) may hold a region
            // that starts elsewhere.
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, typeof(RegionContext).GetField(nameof(RegionContext.JumpCache))!);
            il.Emit(OpCodes.Ldloc, next);
            il.Emit(OpCodes.Ldloc, next);
            il.Emit(OpCodes.Ldc_I4, 12);
            il.Emit(OpCodes.Shr_Un);
            il.Emit(OpCodes.Xor);
            il.Emit(OpCodes.Conv_I4);
            il.Emit(OpCodes.Ldc_I4, GuestProcess.JumpMask);
            il.Emit(OpCodes.And);
            il.Emit(OpCodes.Ldelem_Ref);
            il.Emit(OpCodes.Stloc, cand);
            il.Emit(OpCodes.Ldloc, cand);
            il.Emit(OpCodes.Brfalse, resolve);
            il.Emit(OpCodes.Ldloc, cand);
            il.Emit(OpCodes.Ldfld, typeof(CompiledRegion).GetField(nameof(CompiledRegion.Start))!);
            il.Emit(OpCodes.Ldloc, next);
            il.Emit(OpCodes.Bne_Un, resolve);
            il.MarkLabel(test);
            il.Emit(OpCodes.Ldloc, cand);
            il.Emit(OpCodes.Volatile);
            il.Emit(OpCodes.Ldfld, typeof(CompiledRegion).GetField(nameof(CompiledRegion.Valid))!);
            il.Emit(OpCodes.Brtrue, found);
            il.MarkLabel(resolve);
            LeaveMxcsr();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldloc, linkSlot);
            // The target as stored above: with the local used here, RyuJIT kept it alive across the tests
            // and spilled and reloaded it around the start compare of every computed exit.
            em.LdStateAddr(StateLayout.Rip);
            il.Emit(OpCodes.Ldind_I8);
            em.Call(typeof(RegionContext).GetMethod(nameof(RegionContext.Resolve))!);
            il.Emit(OpCodes.Stloc, cand);
            il.Emit(OpCodes.Ldloc, cand);
            il.Emit(OpCodes.Brfalse, plain);
            il.Emit(OpCodes.Br, chain);
            il.MarkLabel(found);
            if (NativeFp)
            {
                // Held only under the default control bits (round to nearest, no DAZ/FTZ): whatever
                // runtime code the call passes through (a stub binding a saved region on its first call)
                // then computes as it would under .NET's own MXCSR.
                var leave = il.DefineLabel();
                em.LdStateAddr(StateLayout.Mxcsr);
                il.Emit(OpCodes.Ldind_U4);
                il.Emit(OpCodes.Ldc_I4, 0xFFC0);
                il.Emit(OpCodes.And);
                il.Emit(OpCodes.Ldc_I4, 0x1F80);
                il.Emit(OpCodes.Bne_Un, leave);
                em.LdStateAddr(StateLayout.FpHeld);
                il.Emit(OpCodes.Ldc_I4_1);
                il.Emit(OpCodes.Stind_I4);
                il.Emit(OpCodes.Br, chain);
                il.MarkLabel(leave);
                LeaveMxcsr();
            }
            il.MarkLabel(chain);
            // Only --stats reports the count: a read-modify-write of the state at every exit otherwise.
            if (CountInstructions) em.IncrementState(StateLayout.ChainHits);
            il.Emit(OpCodes.Ldloc, cand);
            il.Emit(OpCodes.Ldfld, typeof(CompiledRegion).GetField(nameof(CompiledRegion.Context))!);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldarg_2);
            il.Emit(OpCodes.Ldloc, cand);
            il.Emit(OpCodes.Ldfld, typeof(CompiledRegion).GetField(nameof(CompiledRegion.EntryIndex))!);
            il.Emit(OpCodes.Ldloc, cand);
            il.Emit(OpCodes.Ldfld, typeof(CompiledRegion).GetField(nameof(CompiledRegion.Method))!);
            il.Emit(OpCodes.Tailcall);
            il.EmitCalli(OpCodes.Calli, System.Reflection.CallingConventions.Standard, typeof(void), regionParameters, null);
            il.Emit(OpCodes.Ret);
            il.MarkLabel(leavePlain);
            LeaveMxcsr();
            il.MarkLabel(plain);
            il.Emit(OpCodes.Ret);
            IlSize = il.ILOffset;
            if (method == null) return null;
            var ctx = new RegionContext(Fallbacks, linkTargets.Count, process!);
            return (RegionCode)method.CreateDelegate(typeof(RegionCode), ctx);
        }

        /// <summary>The instructions run by their interpreter handlers, in the order the code indexes
        /// <see cref="RegionContext.Insns"/> (known once emitted).</summary>
        public Instruction[] Fallbacks
        {
            get
            {
                var a = new Instruction[fallbackCount];
                Array.Copy(fallbackInsns, a, fallbackCount);
                return a;
            }
        }
        /// <summary>How many exits with a known target the code has (<see cref="RegionContext.Links"/>).</summary>
        public int LinkCount => linkTargets.Count;

        /// <summary>RyuJIT has about a dozen host registers for the guest registers and its own temporaries:
        /// a region that uses more than <see cref="MaxLocalRegisters"/> keeps the ones fewest of its
        /// instructions name (a use inside a loop counting <see cref="LoopWeight"/> times per level of
        /// nesting) in the state (RSP always in a local), so each entry loads and each exit stores fewer,
        /// and the locals left get host registers.</summary>
        internal static int ColdRegisters(Region region, int used)
        {
            if (System.Numerics.BitOperations.PopCount((uint)used) <= MaxLocalRegisters) return 0;
            var loopDepth = LoopDepth(region);
            var uses = new int[16];
            foreach (var b in region.Blocks)
            {
                // A use inside a loop runs once per iteration: it counts LoopWeight times per level of nesting.
                int weight = 1;
                for (int d = Math.Min(loopDepth.GetValueOrDefault(b), 4); d > 0; d--) weight *= LoopWeight;
                foreach (var ins in b.Insns)
                {
                    if (RegisterUse.TouchesAll(in ins)) continue;
                    var (u, w) = RegisterUse.Of(in ins);
                    for (int r = 0; r < 16; r++)
                        if (((u | w) & (1 << r)) != 0) uses[r] += weight;
                }
            }
            uses[4] = int.MaxValue;
            // The MaxLocalRegisters most used (ties: the lower register number) stay in locals.
            int cold = used;
            for (int taken = 0; taken < MaxLocalRegisters; taken++)
            {
                int best = -1;
                for (int r = 0; r < 16; r++)
                    if ((cold & (1 << r)) != 0 && (best < 0 || uses[r] > uses[best])) best = r;
                if (best < 0) break;
                cold &= ~(1 << best);
            }
            return cold;
        }

        /// <summary>How much more a use one loop deeper counts (UNIJIT_LOOPWEIGHT overrides it; 1 counts
        /// every use alike, as before the eleventh session).</summary>
        static readonly int LoopWeight = int.TryParse(Environment.GetEnvironmentVariable("UNIJIT_LOOPWEIGHT"), out var lw) && lw > 0 ? lw : 8;

        /// <summary>8 measured best (tenth session, PERFORMANCE.md: compress 0.49 → 0.33 s, float 0.96 → 0.85 s
        /// against all 16 in locals; 6 and 10 in between); UNIJIT_LOCALS overrides it for such comparisons.</summary>
        static readonly int MaxLocalRegisters = int.TryParse(Environment.GetEnvironmentVariable("UNIJIT_LOCALS"), out var k) && k > 0 ? k : 8;

        /// <summary>Stores RIP from <paramref name="rip"/> and adds the instructions run to the state's count.</summary>
        void StoreRipAndCount(LocalBuilder rip)
        {
            em.LdStateAddr(StateLayout.Rip);
            il.Emit(OpCodes.Ldloc, rip);
            il.Emit(OpCodes.Stind_I8);
            AddCount();
        }

        void AddCount()
        {
            if (!CountInstructions) return;
            em.LdStateAddr(StateLayout.InstructionCount);
            em.AddInPlace(icount);
        }

        void EmitBlock(Block b)
        {
            currentBlock = b;
            pendingFlags = null;
            em.PendingFlags = null;
            il.MarkLabel(labels[b.Start]);
            int once = 0, twice = 0;
            foreach (var ins in b.Insns)
            {
                var (u, w) = RegisterUse.Of(in ins);
                twice |= once & (u | w);
                once |= u | w;
            }
            // The copies valid on every way in, when every way in is a branch from a block emitted before.
            int valid = 0;
            if (!Entries.Contains(b) && predecessors.TryGetValue(b, out var from) && from.TrueForAll(emitted.Contains))
                valid = cacheInto.GetValueOrDefault(b);
            cacheAssumed[b] = valid;
            emitted.Add(b);
            em.CacheBlock(twice, valid);
            InheritProducer(b);
            if (CountInstructions)
            {
                il.Emit(OpCodes.Ldloc, icount);
                il.Emit(OpCodes.Ldc_I8, (long)b.Insns.Length);
                il.Emit(OpCodes.Add);
                il.Emit(OpCodes.Stloc, icount);
            }
            var need = flagsNeeded[b];
            var (groups, first) = groupsOf[b];
            em.NewBlock();
            var kept = NativeFp ? InstEmit.ResultsKept(b.Insns) : null;
            bool ended = false;
            for (int k = 0; k < b.Insns.Length; k++)
            {
                ref readonly var ins = ref b.Insns[k];
                emittingIp = ins.IP;
                SinkResult = kept == null || !kept[k];
                if (groups.CheckBefore[first + k] is { } g)
                {
                    MayFault(in ins);
                    em.GroupCheck(g);
                }
                if (groups.Member[first + k] is { } m)
                {
                    em.CoveredSize = groups.Size[first + k];
                    em.CoveredWrite = m.Write;
                    em.CoveredGroup = m;
                    em.CoveredOffset = m.Base == Register.RSP ? null : unchecked((long)(ins.MemoryDisplacement64 - m.Displacement));
                }
                var before = Producer;
                FlagsDeferred = need[k] == FlagNeed.Deferred && Deferrable(in ins);
                bool flagsLive = need[k] == FlagNeed.Store || need[k] == FlagNeed.Deferred && !FlagsDeferred;
                if (!InstEmit.TryEmit(this, in ins, flagsLive, out ended))
                {
                    EmitFallback(in ins, out ended);
                    if (ins.RflagsModified != 0) Producer = FusionKind.None;
                }
                else if (ins.RflagsModified != 0 && Producer == before && Fusion.Kind(in ins) == FusionKind.None)
                    Producer = FusionKind.None;
                em.CoveredSize = 0;
                em.CoveredGroup = null;
                em.CoveredOffset = null;
            }
            producerAtEnd[b] = new(Producer, ProducerSize);
            if (!ended) Goto(b.End);
        }

        /// <summary>Records the address of an instruction that may fault: its slow paths resume there.</summary>
        public void MayFault(in Instruction ins)
        {
            faultIp = ins.IP;
            em.FaultIp = ins.IP;
        }

        /// <summary>Calls an <see cref="SseCalls"/> helper that takes the state: instead of raising a
        /// guest exception it sets <see cref="CpuState.Retry"/>, and the region then leaves before the
        /// instruction (a slow path), so that the interpreter raises it.</summary>
        public void CallRetrying(System.Reflection.MethodInfo m)
        {
            em.Call(m);
            em.LdStateAddr(StateLayout.Retry);
            il.Emit(OpCodes.Ldind_I4);
            em.SlowPathIfTrue();
        }

        /// <summary>Continues at guest address <paramref name="target"/>: a branch inside the region, or an exit.</summary>
        public void Goto(ulong target)
        {
            if (labels.TryGetValue(target, out var l))
            {
                if (target <= emittingIp) BackEdgeCheck(target);
                if (NeedsFlagsAt(target)) pendingFlags!();
                BranchInto(target);
                il.Emit(OpCodes.Br, l);
                return;
            }
            if (!linkSlots.TryGetValue(target, out int slot))
            {
                slot = linkTargets.Count;
                linkTargets.Add(target);
                linkSlots[target] = slot;
            }
            pendingFlags?.Invoke();
            il.Emit(OpCodes.Ldc_I4, slot);
            il.Emit(OpCodes.Stloc, linkSlot);
            em.LdConst(target);
            il.Emit(OpCodes.Stloc, next);
            il.Emit(OpCodes.Leave, epilogue);
        }

        /// <summary>Branches to <paramref name="target"/> if the int on the stack is non-zero.</summary>
        public void GotoIf(ulong target)
        {
            if (labels.TryGetValue(target, out var l) && target > emittingIp && !NeedsFlagsAt(target))
            {
                BranchInto(target);
                il.Emit(OpCodes.Brtrue, l);
                return;
            }
            var skip = il.DefineLabel();
            il.Emit(OpCodes.Brfalse, skip);
            int valid = em.CacheValid;
            Goto(target);
            em.MarkLabel(skip, valid);
        }

        /// <summary>Whether a branch to region block <paramref name="target"/> must store the deferred
        /// flags of the block it leaves (an exit after it may read them).</summary>
        bool NeedsFlagsAt(ulong target) => pendingFlags != null && storeOnEntry.Contains(blockAt[target]);

        /// <summary>The guest address of the instruction being translated.</summary>
        ulong emittingIp;
        /// <summary>The address last recorded by <see cref="MayFault"/>.</summary>
        ulong faultIp = ulong.MaxValue;

        /// <summary>A memory access resumes at the recorded instruction when it needs its slow path: an
        /// emitter that forgot <see cref="MayFault"/> would resume at an older one, so it fails the
        /// compilation instead (the region stays interpreted; UNIJIT_DEBUG=1 names it).</summary>
        void CheckAccess()
        {
            if (faultIp != emittingIp)
                throw new InvalidOperationException($"memory access at 0x{emittingIp:x} without MayFault");
        }

        /// <summary>On a loop's back edge: leaves the region (for <paramref name="target"/>) if a signal
        /// asks for attention, so a loop that never leaves its region still lets signals in.</summary>
        unsafe void BackEdgeCheck(ulong target)
        {
            var go = il.DefineLabel();
            LdAttention();
            il.Emit(OpCodes.Brfalse, go);
            int valid = em.CacheValid;
            em.LdConst(target);
            ExitDynamic();
            em.MarkLabel(go, valid);
        }

        /// <summary>Pushes non-zero if a signal asks for attention: the process-wide word (a constant
        /// address) or-ed with this thread's.</summary>
        unsafe void LdAttention()
        {
            em.LdPointer(typeof(HostSignals), nameof(HostSignals.Attention));
            il.Emit(OpCodes.Volatile);
            il.Emit(OpCodes.Ldind_I4);
            em.LdStateAddr(StateLayout.Attention);
            il.Emit(OpCodes.Volatile);
            il.Emit(OpCodes.Ldind_I4);
            il.Emit(OpCodes.Or);
        }

        /// <summary>Leaves the region for the guest address on the stack.</summary>
        public void ExitDynamic()
        {
            pendingFlags?.Invoke();
            il.Emit(OpCodes.Ldc_I4_M1);
            il.Emit(OpCodes.Stloc, linkSlot);
            il.Emit(OpCodes.Stloc, next);
            il.Emit(OpCodes.Leave, epilogue);
        }

        /// <summary>Instructions that may change MXCSR's control bits.</summary>
        static bool WritesMxcsr(in Instruction ins) => ins.Mnemonic is Mnemonic.Ldmxcsr or Mnemonic.Vldmxcsr
            or Mnemonic.Fxrstor or Mnemonic.Fxrstor64 or Mnemonic.Xrstor or Mnemonic.Xrstor64 or Mnemonic.Xrstors or Mnemonic.Xrstors64;

        /// <summary>Runs the instruction through its interpreter handler.</summary>
        void EmitFallback(in Instruction ins, out bool ended)
        {
            int index = fallbackCount++;
            if (index == fallbackInsns.Length) Array.Resize(ref fallbackInsns, 2 * index);
            fallbackInsns[index] = ins;
            if (CountInstructions && (int)ins.Code < FallbackSlots)
            {
                il.Emit(OpCodes.Ldsfld, typeof(RegionCompiler).GetField(nameof(FallbackRuns))!);
                il.Emit(OpCodes.Ldc_I4, (int)ins.Code);
                il.Emit(OpCodes.Ldelema, typeof(long));
                em.AddInPlace();
            }
            MayFault(in ins);
            var (used, written) = RegisterUse.Of(in ins);
            if (RegisterUse.TouchesAll(in ins)) { used = regionUsed; written = regionWritten; }
            // Every register the region has written is stored too, not only those the handler reads:
            // if the handler throws, the exception reaches the dispatcher with the state exact (the
            // registers the handler wrote are already there; it may have made partial progress, as
            // rep movs does), and the dispatcher puts RIP at HandlerIp.
            em.Spill(used | regionWritten);
            SpillXmm();
            pendingFlags?.Invoke();
            // The interpreter runs a block with RIP preset to the fall-through address.
            em.LdStateAddr(StateLayout.Rip);
            em.LdConst(ins.NextIP);
            il.Emit(OpCodes.Stind_I8);
            em.LdStateAddr(StateLayout.HandlerIp);
            em.LdConst(ins.IP);
            il.Emit(OpCodes.Stind_I8);
            // The instruction count so far, too (nothing else would store it if the handler throws).
            AddCount();
            il.Emit(OpCodes.Ldc_I8, 0L);
            il.Emit(OpCodes.Stloc, icount);
            // The handler is ordinary .NET code: it runs under .NET's MXCSR (and gets the guest's
            // from the state, flags included, as the interpreter does).
            LeaveMxcsr();
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldfld, typeof(RegionContext).GetField(nameof(RegionContext.Insns))!);
            il.Emit(OpCodes.Ldc_I4, index);
            il.Emit(OpCodes.Ldelema, typeof(Instruction));
            if (em.Portable)
            {
                // The handler's address in the process that runs the code (RegionContext.Handlers).
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldfld, typeof(RegionContext).GetField(nameof(RegionContext.Handlers))!);
                il.Emit(OpCodes.Ldc_I4, index);
                il.Emit(OpCodes.Ldelem_I);
            }
            else
            {
                il.Emit(OpCodes.Ldc_I8, (long)(nint)HandlerTable.For(in ins));
                il.Emit(OpCodes.Conv_I);
            }
            il.EmitCalli(OpCodes.Calli, System.Reflection.CallingConventions.Standard, typeof(void),
                [typeof(Cpu), typeof(Instruction).MakeByRefType()], null);
            em.Reload(written);
            // All of them: Iced's instruction info does not name the XMM registers fxrstor and xrstor write.
            ReloadXmm();
            ended = false;
            // Back under the guest's MXCSR (also before an exit, so that the exit's leave adds only
            // flags the guest raised). After an instruction that may have changed its control bits, or
            // with an exception now unmasked, the region ends: it would otherwise share floating-point
            // expressions across the change, or run them with a host exception unmasked.
            bool leaves = ins.FlowControl != FlowControl.Next || ins.Code == Code.Syscall;
            if (NativeFp)
            {
                EnterMxcsr();
                if (leaves || WritesMxcsr(in ins)) il.Emit(OpCodes.Pop);
                else
                {
                    var go = il.DefineLabel();
                    il.Emit(OpCodes.Brtrue, go);
                    int valid = em.CacheValid;
                    em.LdConst(ins.NextIP);
                    ExitDynamic();
                    em.MarkLabel(go, valid);
                }
            }
            if (NativeFp && !leaves && WritesMxcsr(in ins))
            {
                em.LdConst(ins.NextIP);
                ExitDynamic();
                ended = true;
            }
            else if (leaves)
            {
                em.LdStateAddr(StateLayout.Rip);
                il.Emit(OpCodes.Ldind_I8);
                ExitDynamic();
                ended = true;
            }
        }
    }
}
