using Iced.Intel;
using UniJit.IlBackend.Analysis;
using UniJit.Runtime.Dispatch;

namespace UniJit.IlBackend.Emit;

/// <summary>
/// Flag liveness over a region: for each inline flag-producing instruction, whether anything may
/// read the flags it leaves in the state before they are overwritten. A jcc/setcc/cmov that the
/// emitter fuses with the producer just before it reads the producer's operands, not the state,
/// and so does not count, except as an exit when a memory access lies between them (its slow path
/// leaves the region, and the interpreter then reads the state's flags). Region exits count as readers
/// (the code after them is unknown). Other slow paths need nothing: the interpreter after them reads
/// only flags that this liveness already finds live.
/// </summary>
public static class FlagAnalysis
{
    const RflagsBits Arith = RflagsBits.OF | RflagsBits.SF | RflagsBits.ZF | RflagsBits.AF | RflagsBits.CF | RflagsBits.PF;

    /// <summary>Returns, per block, what each instruction must do with the flags it produces: store them
    /// in the state (<see cref="FlagNeed.Store"/>: something in the region may read them), leave them to
    /// the block's way out (<see cref="FlagNeed.Deferred"/>: only code after the region's exits may read
    /// them; the block's exits, the slow paths on the way and its branches to blocks in
    /// <paramref name="storeOnEntry"/> store them), or drop them.
    /// <paramref name="returnsTo"/> gives the blocks a ret branches to inline; <paramref name="storeOnEntry"/>
    /// receives the blocks from whose start an exit may read the flags.</summary>
    public static Dictionary<Block, FlagNeed[]> Analyze(Region region, IReadOnlyDictionary<Block, List<ulong>> returnsTo,
        out HashSet<Block> storeOnEntry)
    {
        var index = region.ByStart();
        var (allIn, all) = Liveness(region, index, returnsTo, exitsRead: true);
        var (_, inner) = Liveness(region, index, returnsTo, exitsRead: false);
        storeOnEntry = new HashSet<Block>();
        foreach (var b in region.Blocks)
            if (allIn[b]) storeOnEntry.Add(b);
        var result = new Dictionary<Block, FlagNeed[]>();
        foreach (var b in region.Blocks)
        {
            int last = -1;
            for (int k = 0; k < b.Insns.Length; k++)
                if (b.Insns[k].RflagsModified != 0) last = k;
            // Only exits read the last producer's flags (no instruction in the region does): they are
            // stored on the way to those exits, also through the branches into successors (such as a
            // loop's exit path), not on a loop's back edge.
            var need = new FlagNeed[b.Insns.Length];
            for (int k = 0; k < need.Length; k++)
                need[k] = inner[b][k] ? FlagNeed.Store
                    : !all[b][k] ? FlagNeed.Dead
                    : k == last ? FlagNeed.Deferred : FlagNeed.Store;
            result[b] = need;
        }
        return result;
    }

    /// <summary>Per-instruction liveness of the state's flags after each instruction; with
    /// <paramref name="exitsRead"/>, region exits count as readers.</summary>
    static (Dictionary<Block, bool> liveIn, Dictionary<Block, bool[]> live) Liveness(Region region,
        AddressMap<Block> index, IReadOnlyDictionary<Block, List<ulong>> returnsTo, bool exitsRead)
    {
        var liveIn = new Dictionary<Block, bool>(region.Blocks.Count);
        foreach (var b in region.Blocks) liveIn[b] = false;
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var b in region.Blocks)
            {
                bool v = LiveIn(b, LiveOut(b, index, liveIn, returnsTo, exitsRead), exitsRead);
                if (v != liveIn[b]) { liveIn[b] = v; changed = true; }
            }
        }
        var result = new Dictionary<Block, bool[]>();
        foreach (var b in region.Blocks)
        {
            var need = new bool[b.Insns.Length];
            bool live = LiveOut(b, index, liveIn, returnsTo, exitsRead);
            // Backward scan: 'live' = flags in the state are read after this point.
            for (int k = b.Insns.Length - 1; k >= 0; k--)
            {
                need[k] = live;
                var (reads, writesAll) = Effect(b.Insns, k, exitsRead);
                if (writesAll) live = false;
                if (reads) live = true;
            }
            result[b] = need;
        }
        return (liveIn, result);
    }

    /// <summary>The region blocks control may reach from the end of <paramref name="b"/> without leaving:
    /// branch targets, a callee and the return address of a call, the blocks a ret branches to inline.</summary>
    static IEnumerable<Block> InRegionSuccessors(Block b, AddressMap<Block> index, IReadOnlyDictionary<Block, List<ulong>> returnsTo)
    {
        foreach (var t in RegionBuilder.Successors(b))
            if (index.TryGetValue(t, out var nb)) yield return nb;
        if (RegionBuilder.DirectCall(b) is { } callee && index.TryGetValue(callee, out var cb)) yield return cb;
        if (returnsTo.TryGetValue(b, out var targets))
            foreach (var t in targets)
                if (index.TryGetValue(t, out var rb)) yield return rb;
    }

    static bool LiveOut(Block b, AddressMap<Block> index, Dictionary<Block, bool> liveIn,
        IReadOnlyDictionary<Block, List<ulong>> returnsTo, bool exitsRead)
    {
        if (b.Insns.Length == 0) return true;
        ref readonly var last = ref b.Insns[^1];
        bool exits = last.FlowControl switch
        {
            FlowControl.Next => last.Code == Code.Syscall || !index.ContainsKey(b.End),
            FlowControl.ConditionalBranch => last.Op0Kind != OpKind.NearBranch64 || !index.ContainsKey(last.NearBranchTarget) || !index.ContainsKey(b.End),
            FlowControl.UnconditionalBranch => last.Op0Kind != OpKind.NearBranch64 || !index.ContainsKey(last.NearBranchTarget),
            // A direct call to a callee in the region is a push and a branch inside it.
            FlowControl.Call => last.Op0Kind != OpKind.NearBranch64 || !index.ContainsKey(last.NearBranchTarget),
            _ => true,
        };
        if (exits && exitsRead) return true;
        bool live = false;
        foreach (var nb in InRegionSuccessors(b, index, returnsTo)) live |= liveIn[nb];
        return live;
    }

    static bool LiveIn(Block b, bool liveOut, bool exitsRead)
    {
        for (int k = 0; k < b.Insns.Length; k++)
        {
            var (reads, writesAll) = Effect(b.Insns, k, exitsRead);
            if (reads) return true;
            if (writesAll) return false;
        }
        return liveOut;
    }

    /// <summary>Whether an instruction after the flag producer that instruction k reads, up to and
    /// including k, accesses memory.</summary>
    static bool AccessSinceProducer(Instruction[] insns, int k)
    {
        for (int j = k; j >= 0; j--)
        {
            if (j < k && insns[j].RflagsModified != 0) return false;
            if (AccessesMemory(in insns[j])) return true;
        }
        return false;
    }

    static bool AccessesMemory(in Instruction ins)
    {
        if (ins.Mnemonic is Mnemonic.Lea or Mnemonic.Nop) return false;
        for (int k = 0; k < ins.OpCount; k++)
            if (ins.GetOpKind(k) == OpKind.Memory) return true;
        return ins.StackPointerIncrement != 0;
    }

    /// <summary>Whether instruction k reads the state's flags (with <paramref name="exitsRead"/>, also through an
    /// exit on the way to it), and whether it overwrites all six.</summary>
    static (bool reads, bool writesAll) Effect(Instruction[] insns, int k, bool exitsRead)
    {
        ref readonly var ins = ref insns[k];
        bool reads = (ins.RflagsRead & Arith) != 0;
        // A fused consumer reads the producer's operands, not the state. A memory access between them (or
        // the consumer's own) has a slow path that leaves the region before the consumer, and the
        // interpreter then runs the consumer from the state's flags: an exit, which stores the producer's
        // flags when they are deferred (cmp; mov to memory; jcc).
        if (reads && Fusion.ProducerFor(insns, k) is var p && p != FusionKind.None && Fusion.CanFuse(p, ins))
            reads = exitsRead && AccessSinceProducer(insns, k);
        // Flags the manual calls undefined are not counted as written: the processor in fact leaves
        // some of them as they were (CF across bsf, for one), and programs may rely on that. AF is the
        // exception: it is written by every ALU instruction and read by almost nothing.
        var defined = ins.RflagsWritten | ins.RflagsCleared | ins.RflagsSet;
        bool writesAll = (defined & (Arith & ~RflagsBits.AF)) == (Arith & ~RflagsBits.AF) && !Fusion.PreservesSomeFlags(ins)
            || ShiftByConstant(in ins);
        return (reads, writesAll);
    }

    /// <summary>shl/sal/shr/sar by a non-zero constant: <see cref="UniJit.Runtime.Semantics.Alu"/> (and so
    /// every tier) sets all six flags, OF included where the manual leaves it undefined, so nothing
    /// before the shift stays readable after it.</summary>
    internal static bool ShiftByConstant(in Instruction ins)
    {
        if (ins.Mnemonic is not (Mnemonic.Shl or Mnemonic.Sal or Mnemonic.Shr or Mnemonic.Sar)) return false;
        int count = ins.OpCount == 1 ? 1 : ins.Op1Kind == OpKind.Immediate8 ? ins.Immediate8 : 0;
        var size = ins.Op0Kind == OpKind.Register ? ins.Op0Register.GetSize() : ins.MemorySize.GetSize();
        return (count & (size == 8 ? 63 : 31)) != 0;
    }
}

/// <summary>What an instruction must do with the flags it produces (see <see cref="FlagAnalysis.Analyze"/>).</summary>
public enum FlagNeed : byte { Dead, Deferred, Store }

/// <summary>What a flag consumer can be evaluated from: the producer's operands (Sub, Logic, Add), or
/// (Rflags) the arithmetic flags the producer stored outright in <see cref="UniJit.Runtime.State.CpuState.Rflags"/>
/// (comisd and friends outside a native region), which the consumer tests inline instead of calling the
/// lazy-flags code, or (Fp) the same flags word of a comparison in a native region, held in a local
/// (<see cref="RegionCompiler.Compilation.FpFlags"/>) and stored to the state only if something else reads it,
/// or (Result) the result of a shift of a register by a non-zero constant, for the conditions ZF and SF
/// decide, or (IncDec) an inc or dec of a register, as sub x, -1 or sub x, 1 for the conditions that do not
/// read CF (which inc and dec leave alone).</summary>
public enum FusionKind { None, Sub, Logic, Add, Rflags, Fp, Result, IncDec }

/// <summary>Which flag consumers the emitter can evaluate from the producer's operands.</summary>
public static class Fusion
{
    /// <summary>The inline producer whose flags instruction k reads, if it is in the same block.</summary>
    public static FusionKind ProducerFor(Instruction[] insns, int k)
    {
        for (int j = k - 1; j >= 0; j--)
        {
            ref readonly var p = ref insns[j];
            if ((p.RflagsModified) == 0) continue;
            return Kind(in p);
        }
        return FusionKind.None;
    }

    public static FusionKind Kind(in Instruction p)
    {
        if (p.Mnemonic is Mnemonic.Comisd or Mnemonic.Ucomisd or Mnemonic.Comiss or Mnemonic.Ucomiss) return FusionKind.Fp;
        // neg x sets the flags of 0 - x (InstEmit.Unary keeps 0 and x as the operands).
        if (p.Mnemonic == Mnemonic.Neg && !p.HasLockPrefix && IlEmitter.IsGprOperand(in p, 0)) return FusionKind.Sub;
        // shr r, imm; jne (CPython's PyLong_FromLong, for one) and dec r; jl (glibc's memmove): InstEmit.Shift
        // keeps the result in Fr, InstEmit.Unary the operands and result of the equivalent sub in Fa, Fb and Fr.
        if (p.Op0Kind == OpKind.Register && IlEmitter.IsGprOperand(in p, 0))
        {
            if (FlagAnalysis.ShiftByConstant(in p)) return FusionKind.Result;
            if (p.Mnemonic is Mnemonic.Inc or Mnemonic.Dec) return FusionKind.IncDec;
        }
        if (!InlineAlu.IsInline(in p)) return FusionKind.None;
        return p.Mnemonic switch
        {
            Mnemonic.Sub or Mnemonic.Cmp => FusionKind.Sub,
            Mnemonic.And or Mnemonic.Or or Mnemonic.Xor or Mnemonic.Test => FusionKind.Logic,
            Mnemonic.Add => FusionKind.Add,
            _ => FusionKind.None,
        };
    }

    public static bool IsConsumer(in Instruction c) =>
        c.ConditionCode != ConditionCode.None && (c.FlowControl == FlowControl.ConditionalBranch && c.Op0Kind == OpKind.NearBranch64
            && c.Mnemonic is >= Mnemonic.Ja and <= Mnemonic.Js || IsSetcc(c.Mnemonic) || IsCmov(c.Mnemonic));

    public static bool IsSetcc(Mnemonic m) => m is Mnemonic.Seto or Mnemonic.Setno or Mnemonic.Setb or Mnemonic.Setae or Mnemonic.Sete
        or Mnemonic.Setne or Mnemonic.Setbe or Mnemonic.Seta or Mnemonic.Sets or Mnemonic.Setns or Mnemonic.Setp or Mnemonic.Setnp
        or Mnemonic.Setl or Mnemonic.Setge or Mnemonic.Setle or Mnemonic.Setg;

    static bool IsCmov(Mnemonic m) => m is Mnemonic.Cmovo or Mnemonic.Cmovno or Mnemonic.Cmovb or Mnemonic.Cmovae or Mnemonic.Cmove
        or Mnemonic.Cmovne or Mnemonic.Cmovbe or Mnemonic.Cmova or Mnemonic.Cmovs or Mnemonic.Cmovns or Mnemonic.Cmovp
        or Mnemonic.Cmovnp or Mnemonic.Cmovl or Mnemonic.Cmovge or Mnemonic.Cmovle or Mnemonic.Cmovg;

    /// <summary>Intel condition number 0..15 (o, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g).</summary>
    public static int Cc(in Instruction c) => (int)c.ConditionCode - 1;

    public static bool CanFuse(FusionKind p, in Instruction c)
    {
        // adc/sbb read only CF; those InstEmit.AdcSbb translates take it from a Sub, Add or Logic producer.
        if (c.Mnemonic is Mnemonic.Adc or Mnemonic.Sbb)
            return p is FusionKind.Sub or FusionKind.Add or FusionKind.Logic && !c.HasLockPrefix
                && c.Op0Kind == OpKind.Register && IlEmitter.IsGprOperand(in c, 0) && IlEmitter.IsGprOperand(in c, 1);
        if (!IsConsumer(in c)) return false;
        int cc = Cc(in c);
        return p switch
        {
            FusionKind.Sub => cc is >= 2 and <= 7 or >= 12,
            FusionKind.Logic => cc is not (10 or 11),
            FusionKind.Add or FusionKind.Result => cc is 4 or 5 or 8 or 9,
            FusionKind.IncDec => cc is 4 or 5 or 8 or 9 or >= 12,
            FusionKind.Rflags or FusionKind.Fp => true,
            _ => false,
        };
    }

    /// <summary>inc/dec keep CF, and a shift or rotate by zero keeps every flag, so none of them
    /// can be counted on to overwrite all flags.</summary>
    public static bool PreservesSomeFlags(in Instruction i) => i.Mnemonic is Mnemonic.Inc or Mnemonic.Dec
        or Mnemonic.Shl or Mnemonic.Sal or Mnemonic.Shr or Mnemonic.Sar or Mnemonic.Rol or Mnemonic.Ror
        or Mnemonic.Rcl or Mnemonic.Rcr or Mnemonic.Shld or Mnemonic.Shrd;
}
