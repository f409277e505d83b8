using Iced.Intel;
using UniJit.Runtime.Interpreter;

namespace UniJit.IlBackend.Analysis;

/// <summary>
/// Memory accesses of one block that one permission check can cover: explicit memory operands with
/// the same segment, base, index and scale, while neither register is written, whose bytes all lie in
/// a span of at most <see cref="MaxSpan"/> bytes. Pushes and pops join the group of RSP-based operands,
/// and they, <c>add</c>/<c>sub rsp, imm</c> and <c>lea rsp, [rsp + d]</c> only shift where later members
/// lie relative to the first (a function's prologue is one check). CPU-bound code addresses memory this way (fields of
/// one structure, a loop body's loads at <c>[rsi+16]</c>, <c>[rsi+32]</c>, ...), and each inline check
/// costs about nine host instructions, more than the access itself.
///
/// The translated code checks the group's whole span at its first member, before that instruction
/// changes anything (<see cref="Emit.IlEmitter.GroupCheck"/>): the span's first and last byte must be
/// on pages the tag table allows; if not, the region leaves before the first member and the
/// interpreter runs from there, faulting precisely where the first refused access is. Nothing
/// between the check and a later member can change the tags: a group ends at any instruction that
/// may enter the kernel or otherwise touch all state (<see cref="RegisterUse.TouchesAll"/>), and an
/// inline write never reaches a page whose tag it could change (a page with translated code is
/// refused by the write tag). A check against the write tag covers reads too (a writable page is
/// readable), so one group of reads and writes needs one check.
/// </summary>
public sealed class AccessGroups
{
    /// <summary>At most two pages hold a group's span, so checking its first and last byte covers it.</summary>
    public const int MaxSpan = 1024;

    /// <summary>A group, checked before the instruction it starts at: segment, base, index, scale and
    /// displacement give that instruction's address (for a push or pop, RSP and 0).</summary>
    /// <param name="First">Offset of the span's first byte from that address.</param>
    /// <param name="Span">Bytes from the first to one past the last.</param>
    /// <param name="Write">Some member writes: the check is against the write tag.</param>
    public sealed record Group(Register Segment, Register Base, Register Index, int Scale, ulong Displacement,
        long First, int Span, bool Write);

    /// <summary>For each instruction: the group whose check precedes it, or null.</summary>
    public readonly Group?[] CheckBefore;
    /// <summary>For each instruction: the group its memory access belongs to (null: checked alone).</summary>
    public readonly Group?[] Member;
    /// <summary>For each member: the size of its access.</summary>
    public readonly int[] Size;

    AccessGroups(int n)
    {
        CheckBefore = new Group?[n];
        Member = new Group?[n];
        Size = new int[n];
    }

    sealed class Open
    {
        public (Register seg, Register b, Register x, int scale) Key;
        public int Leader;
        public ulong LeaderDisp;
        /// <summary>How far RSP moved since the leader (pushes, pops, add/sub rsp, imm): only for RSP groups.</summary>
        public long Moved;
        public long Lo, Hi;
        public bool Write;
        public readonly List<int> Members = new();
    }

    [ThreadStatic] static InstructionInfoFactory? factory;

    public static AccessGroups Of(Instruction[] insns)
    {
        var result = new AccessGroups(insns.Length);
        // The open groups, a handful at most: a list searched by key (a Dictionary keyed by the tuple is
        // CoreLib code that ReadyToRun does not precompile into UniJit's image).
        var open = new List<Open>();
        int Find((Register seg, Register b, Register x, int scale) key)
        {
            for (int i = 0; i < open.Count; i++)
                if (open[i].Key == key) return i;
            return -1;
        }
        void Close(int i)
        {
            var o = open[i];
            var key = o.Key;
            open.RemoveAt(i);
            if (o.Members.Count < 2) return;
            var g = new Group(key.seg, key.b, key.x, key.scale, o.LeaderDisp, o.Lo, (int)(o.Hi - o.Lo), o.Write);
            result.CheckBefore[o.Leader] = g;
            foreach (var m in o.Members) result.Member[m] = g;
        }
        void CloseAll() { while (open.Count > 0) Close(open.Count - 1); }

        for (int k = 0; k < insns.Length; k++)
        {
            ref readonly var ins = ref insns[k];
            if (RegisterUse.TouchesAll(in ins)) { CloseAll(); continue; }
            if (Access(in ins) is var (akey, disp, size, write))
            {
                int at = Find(akey);
                Open? o = at >= 0 ? open[at] : null;
                if (o != null)
                {
                    long d = unchecked((long)(disp - o.LeaderDisp)) + o.Moved;
                    long lo = Math.Min(o.Lo, d), hi = Math.Max(o.Hi, d + size);
                    if (hi - lo <= MaxSpan) { o.Lo = lo; o.Hi = hi; o.Write |= write; o.Members.Add(k); }
                    else { Close(at); o = null; }
                }
                if (o == null)
                {
                    o = new Open { Key = akey, Leader = k, LeaderDisp = disp, Lo = 0, Hi = size, Write = write };
                    o.Members.Add(k);
                    open.Add(o);
                }
                result.Size[k] = size;
            }
            int written = RegisterUse.Of(in ins).written;
            if (written == 0) continue;
            long? moved = StackMove(in ins);
            for (int i = open.Count - 1; i >= 0; i--)
            {
                var key = open[i].Key;
                // A push, pop or add/sub rsp keeps an RSP group: later members are relative to where RSP moved.
                if (key.b == Register.RSP && key.x == Register.None && moved is { } m) { open[i].Moved += m; continue; }
                if (Writes(written, key.b) || Writes(written, key.x)) Close(i);
            }
        }
        CloseAll();
        return result;
    }

    /// <summary>How an instruction moves RSP when that is all it does to it: push and pop of a register or
    /// immediate, add/sub rsp with an immediate, lea rsp, [rsp + d]. Null for any other write.</summary>
    static long? StackMove(in Instruction ins)
    {
        switch (ins.Mnemonic)
        {
            case Mnemonic.Push when ins.StackPointerIncrement == -8 && ins.Op0Kind != OpKind.Memory:
            case Mnemonic.Pop when ins.StackPointerIncrement == 8 && ins.Op0Kind == OpKind.Register && ins.Op0Register != Register.RSP:
                return ins.StackPointerIncrement;
            case Mnemonic.Add or Mnemonic.Sub when ins.Op0Kind == OpKind.Register && ins.Op0Register == Register.RSP
                && ins.Op1Kind is OpKind.Immediate8to64 or OpKind.Immediate32to64:
                long v = (long)ins.GetImmediate(1);
                return ins.Mnemonic == Mnemonic.Add ? v : -v;
            case Mnemonic.Lea when ins.Op0Register == Register.RSP && ins.MemoryBase == Register.RSP && ins.MemoryIndex == Register.None:
                return (long)ins.MemoryDisplacement64;
            default:
                return null;
        }
    }

    static bool Writes(int written, Register r) => Operands.IsGpr(r) && (written & (1 << Operands.GprIndex(r))) != 0;

    /// <summary>DS, ES and SS have base 0 in 64-bit mode: one key for all three.</summary>
    static Register Segment(Register s) => s is Register.FS or Register.GS ? s : Register.DS;

    /// <summary>The instruction's only memory access, when it has one a group may cover: its explicit
    /// memory operand at 64-bit addresses, read and/or written unconditionally, or a push's or pop's
    /// stack slot. Key, displacement (relative to the key's registers), size, and whether it writes.</summary>
    static ((Register, Register, Register, int) key, ulong disp, int size, bool write)? Access(in Instruction ins)
    {
        if (ins.HasLockPrefix || ins.HasRepPrefix || ins.HasRepnePrefix) return null;
        var stack = (Register.DS, Register.RSP, Register.None, 1);
        if (StackMove(in ins) is { } move && ins.Mnemonic is Mnemonic.Push or Mnemonic.Pop)
            return move < 0 ? (stack, unchecked((ulong)-8L), 8, true) : (stack, 0UL, 8, false);
        bool explicitOperand = false;
        for (int k = 0; k < ins.OpCount; k++) explicitOperand |= ins.GetOpKind(k) == OpKind.Memory;
        if (!explicitOperand) return null;
        // The bit tests address memory beyond their operand; the exchanges are atomic.
        if (ins.Mnemonic is Mnemonic.Bt or Mnemonic.Bts or Mnemonic.Btr or Mnemonic.Btc
            or Mnemonic.Xchg or Mnemonic.Cmpxchg or Mnemonic.Xadd or Mnemonic.Cmpxchg8b or Mnemonic.Cmpxchg16b) return null;
        if (ins.MemoryBase is Register.EIP || Operands.IsGpr(ins.MemoryBase) && Operands.RegSize(ins.MemoryBase) != 8
            || Operands.IsGpr(ins.MemoryIndex) && Operands.RegSize(ins.MemoryIndex) != 8) return null;
        if (ins.MemoryIndex != Register.None && !Operands.IsGpr(ins.MemoryIndex)) return null; // VSIB
        factory ??= new InstructionInfoFactory();
        var used = factory.GetInfo(in ins).GetUsedMemory();
        int count = 0;
        OpAccess access = OpAccess.None;
        foreach (var m in used) { count++; access = m.Access; }
        if (count != 1) return null;
        int size = ins.MemorySize.GetSize();
        if (size is <= 0 or > 64) return null;
        var key = (Segment(ins.MemorySegment), ins.MemoryBase, ins.MemoryIndex, ins.MemoryIndexScale);
        return access switch
        {
            OpAccess.Read => (key, ins.MemoryDisplacement64, size, false),
            OpAccess.Write or OpAccess.ReadWrite => (key, ins.MemoryDisplacement64, size, true),
            _ => null,
        };
    }
}
