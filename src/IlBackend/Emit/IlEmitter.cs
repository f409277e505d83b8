using System.Runtime.CompilerServices;
using System.Reflection;
using System.Reflection.Emit;
using Iced.Intel;
using UniJit.Runtime.Interpreter;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;

namespace UniJit.IlBackend.Emit;

/// <summary>
/// The IL-level vocabulary of a region: guest registers as IL locals (loaded at entry, stored at
/// exits and around calls into interpreter handlers), effective addresses, and operand reads and
/// writes at 1, 2, 4 or 8 bytes with x86-64's register merge / zero-extend rules. Memory goes
/// through <see cref="HostAddress"/>: an inline permission check; the slow path leaves the region.
/// Arguments: 0 = <see cref="RegionContext"/>, 1 = <see cref="Cpu"/>, 2 = <see cref="CpuState"/>*.
/// </summary>
public sealed class IlEmitter
{
    public readonly ILGenerator Il;
    readonly LocalBuilder[] regs = new LocalBuilder[16];
    readonly Stack<LocalBuilder> freeTemps = new();

    /// <summary>Locals of the memory accesses themselves, used only inside one access and never taken
    /// from the <see cref="Temp"/> pool: an emitter may still read a temp it already freed (the pool
    /// reuses freed temps), and an access that took one from the pool would then overwrite it; that was
    /// seen as wrong results in python3 under --tier=jit.</summary>
    LocalBuilder? accessAddress, accessValue, vectorTemp;
    /// <summary>The address local a read-modify-write's read already checked for writing.</summary>
    LocalBuilder? writeChecked;
    // Lists of classes, not of value tuples: CoreLib's List of a value tuple is not precompiled into UniJit's image.
    sealed record SlowPath(System.Reflection.Emit.Label At, ulong Ip, Action? Flags);
    sealed record Crossing(System.Reflection.Emit.Label Cross, System.Reflection.Emit.Label Back, int Span, bool Write, ulong Ip, Action? Flags);
    readonly List<SlowPath> slowPaths = new();
    /// <summary>Emits the store of flags an earlier instruction of the block left to the block's exits
    /// (<see cref="FlagNeed.Deferred"/>); a slow path taken now stores them too.</summary>
    public Action? PendingFlags;
    /// <summary>Called before each inline memory access (the region checks that the instruction's
    /// address was recorded, since a slow path resumes there).</summary>
    public Action? CheckAccess;
    /// <summary>The guest address of the instruction whose slow paths are being emitted: where the
    /// interpreter resumes when one is taken.</summary>
    public ulong FaultIp;

    /// <summary>Emits the slow-path stubs: each stores its instruction's address in
    /// <paramref name="ip"/> and leaves (emptying the IL stack) for <paramref name="exit"/>, which must
    /// resume the guest there in the interpreter. The address is a constant of the stub, so the fast
    /// path stores nothing.</summary>
    public void EmitSlowPaths(System.Reflection.Emit.Label exit, LocalBuilder ip)
    {
        foreach (var (cross, back, span, write, ip2, flags) in crossings)
        {
            // The span's first and last byte on two pages: each page's own tag must allow the access.
            Il.MarkLabel(cross);
            var slow = Il.DefineLabel();
            PageCheck(groupAddress!, 0, write, slow);
            PageCheck(groupAddress!, span - 1, write, slow);
            Il.Emit(OpCodes.Br, back);
            slowPaths.Add(new(slow, ip2, flags));
        }
        crossings.Clear();
        foreach (var (at, address, flags) in slowPaths)
        {
            Il.MarkLabel(at);
            flags?.Invoke();
            LdConst(address);
            Il.Emit(OpCodes.Stloc, ip);
            Il.Emit(OpCodes.Leave, exit);
        }
        slowPaths.Clear();
    }

    /// <summary>Pops an int; if it is non-zero, the region leaves before the current instruction
    /// (<see cref="FaultIp"/>) and the interpreter runs it.</summary>
    public void SlowPathIfTrue()
    {
        CheckAccess?.Invoke();
        var slow = Il.DefineLabel();
        Il.Emit(OpCodes.Brtrue, slow);
        slowPaths.Add(new(slow, FaultIp, PendingFlags));
    }

    public bool HasSlowPaths => slowPaths.Count > 0 || crossings.Count > 0;

    /// <summary>Set while an instruction whose explicit memory operand a group check already covered
    /// (<see cref="GroupCheck"/>) is emitted: its accesses of at most this many bytes (reads, and writes
    /// when <see cref="CoveredWrite"/>) need no check of their own. 0 otherwise.</summary>
    public int CoveredSize;
    public bool CoveredWrite;
    /// <summary>With <see cref="CoveredSize"/>: the access's group and its offset from the group's address,
    /// when that offset is known when translating (null otherwise, as for the stack's groups, which pushes
    /// and pops move). A 16-byte-aligned access whose group already had one found aligned at the same
    /// offset modulo 16 is aligned too (the group's registers have not changed).</summary>
    public object? CoveredGroup;
    public long? CoveredOffset;
    readonly Dictionary<object, int> alignedInGroup = new(ReferenceEqualityComparer.Instance);

    /// <summary>Forgets which members of earlier groups were found aligned (a block begins).</summary>
    public void NewBlock() => alignedInGroup.Clear();

    LocalBuilder? groupAddress;
    readonly List<Crossing> crossings = new();

    /// <summary>Checks, before the instruction it starts at changes anything, the accesses of
    /// <paramref name="group"/>: its span, from that instruction's address + <see cref="Analysis.AccessGroups.Group.First"/>,
    /// must be allowed. The inline check is the one of a single access covering the span
    /// (one page); a span across two pages goes out of line and checks each page (then comes back);
    /// otherwise the region leaves before that instruction (<see cref="FaultIp"/>, set by the caller).</summary>
    public void GroupCheck(Analysis.AccessGroups.Group group)
    {
        var (first, span, write) = (group.First, group.Span, group.Write);
        var g = groupAddress ??= Il.DeclareLocal(typeof(ulong));
        EffectiveAddress(group.Segment, group.Base, group.Index, group.Scale, group.Displacement + (ulong)first);
        Il.Emit(OpCodes.Stloc, g);
        var cross = Il.DefineLabel();
        var back = Il.DefineLabel();
        CountCheck();
        BranchUnlessAllowed(g, span, write, aligned16: false, cross);
        Il.MarkLabel(back);
        crossings.Add(new(cross, back, span, write, FaultIp, PendingFlags));
    }

    /// <summary>Pushes the tag of the page that holds the address in <paramref name="a"/>.</summary>
    void LdTag(LocalBuilder a, bool write)
    {
        LdPointer(typeof(GuestMemory), write ? nameof(GuestMemory.WriteTag) : nameof(GuestMemory.ReadTag));
        Il.Emit(OpCodes.Ldloc, a);
        Il.Emit(OpCodes.Ldc_I4, GuestMemory.PageShift);
        Il.Emit(OpCodes.Shr_Un);
        Il.Emit(OpCodes.Conv_U4);
        Il.Emit(OpCodes.Conv_U8);
        Il.Emit(OpCodes.Ldc_I4_3);
        Il.Emit(OpCodes.Shl);
        Il.Emit(OpCodes.Conv_U);
        Il.Emit(OpCodes.Add);
        Il.Emit(OpCodes.Ldind_I8);
    }

    /// <summary>The one access check: branches to <paramref name="fail"/> unless the access of
    /// <paramref name="n"/> bytes at <paramref name="a"/> is allowed, that is unless
    /// <c>tag ^ a &lt;= 4096 - n</c> (unsigned), where tag is the entry of a's page
    /// (<see cref="GuestMemory.ReadTag"/>): the page's own address when it allows the access, so the
    /// exclusive or leaves a's offset in the page, which must leave room for the access; any other entry,
    /// or an address outside the window, leaves higher bits set (<see cref="GuestMemory.NoTag"/>).
    /// <paramref name="aligned16"/> (n = 16): <c>(tag ^ a) &amp; ~0xFF0</c> must be 0, the same page and
    /// the low four bits clear. One value (tag ^ a) is all the check keeps in a register.</summary>
    void BranchUnlessAllowed(LocalBuilder a, int n, bool write, bool aligned16, System.Reflection.Emit.Label fail)
    {
        LdTag(a, write);
        Il.Emit(OpCodes.Ldloc, a);
        Il.Emit(OpCodes.Xor);
        if (aligned16)
        {
            Il.Emit(OpCodes.Ldc_I8, ~(long)(GuestMemory.PageMask & ~15UL));
            Il.Emit(OpCodes.And);
            Il.Emit(OpCodes.Brtrue, fail);
        }
        else
        {
            Il.Emit(OpCodes.Ldc_I8, (long)(GuestMemory.PageSize - (ulong)n));
            Il.Emit(OpCodes.Bgt_Un, fail);
        }
    }

    /// <summary>With --stats (<see cref="RegionCompiler.CountInstructions"/>): adds one to
    /// <see cref="CpuState.AccessChecks"/>.</summary>
    void CountCheck()
    {
        if (RegionCompiler.CountInstructions) IncrementState(StateLayout.AccessChecks);
    }

    /// <summary>Adds one to the 64-bit counter at offset <paramref name="off"/> of the state.</summary>
    public void IncrementState(int off)
    {
        LdStateAddr(off);
        AddInPlace();
    }

    /// <summary>Pops the address of a 64-bit counter and adds <paramref name="amount"/> (null: one) to it:
    /// the --stats counters translated code keeps.</summary>
    public void AddInPlace(LocalBuilder? amount = null)
    {
        Il.Emit(OpCodes.Dup);
        Il.Emit(OpCodes.Ldind_I8);
        if (amount != null) Il.Emit(OpCodes.Ldloc, amount);
        else { Il.Emit(OpCodes.Ldc_I4_1); Il.Emit(OpCodes.Conv_I8); }
        Il.Emit(OpCodes.Add);
        Il.Emit(OpCodes.Stind_I8);
    }

    /// <summary>Branches to <paramref name="fail"/> unless the page of address <paramref name="a"/> +
    /// <paramref name="offset"/> allows the access.</summary>
    void PageCheck(LocalBuilder a, int offset, bool write, System.Reflection.Emit.Label fail)
    {
        var p = accessAddress ??= Il.DeclareLocal(typeof(ulong));
        Il.Emit(OpCodes.Ldloc, a);
        if (offset != 0) { Il.Emit(OpCodes.Ldc_I4, offset); Il.Emit(OpCodes.Conv_U8); Il.Emit(OpCodes.Add); }
        Il.Emit(OpCodes.Stloc, p);
        BranchUnlessAllowed(p, 1, write, aligned16: false, fail);
    }

    /// <summary>True when the method is saved for later runs (<see cref="Persist.CacheBuilder"/>): its code
    /// holds no pointer into this process (<see cref="LoadPointers"/>; interpreter handlers are called
    /// through the context's table).</summary>
    public readonly bool Portable;

    public IlEmitter(ILGenerator il, bool portable = false)
    {
        Il = il;
        Portable = portable;
        for (int i = 0; i < 16; i++) regs[i] = il.DeclareLocal(typeof(ulong));
    }

    public LocalBuilder Temp()
    {
        return freeTemps.Count > 0 ? freeTemps.Pop() : Il.DeclareLocal(typeof(ulong));
    }

    public void Free(LocalBuilder t) => freeTemps.Push(t);

    public void LdState() => Il.Emit(OpCodes.Ldarg_2);

    /// <summary>Emits a call to a helper, which is first compiled (or its precompiled code bound) here,
    /// on the compiling thread: a helper first called from translated code would be JIT-compiled there,
    /// possibly under the guest's MXCSR, and the JIT's own floating point would leak flags into it.</summary>
    public void Call(MethodInfo m)
    {
        lock (prepared)
            if (prepared.Add((ulong)m.MethodHandle.Value)) RuntimeHelpers.PrepareMethod(m.MethodHandle);
        Il.Emit(OpCodes.Call, m);
    }

    static readonly UniJit.IlBackend.Analysis.AddressSet prepared = new(256);

    /// <summary>Pushes the address of the state field at byte offset <paramref name="off"/>.</summary>
    public void LdStateAddr(int off)
    {
        LdState();
        if (off != 0) { Il.Emit(OpCodes.Ldc_I4, off); Il.Emit(OpCodes.Add); }
    }

    public void LdConst(ulong v) => Il.Emit(OpCodes.Ldc_I8, unchecked((long)v));

    readonly Dictionary<FieldInfo, LocalBuilder> pointers = new();

    /// <summary>The host pointers translated code uses (<see cref="LdPointer"/>), each with the field of
    /// <see cref="RegionContext"/> that holds it.</summary>
    static readonly (FieldInfo Static, FieldInfo Context)[] contextPointers =
    [
        (typeof(GuestMemory).GetField(nameof(GuestMemory.Base))!, typeof(RegionContext).GetField(nameof(RegionContext.MemoryBase))!),
        (typeof(GuestMemory).GetField(nameof(GuestMemory.ReadTag))!, typeof(RegionContext).GetField(nameof(RegionContext.ReadTag))!),
        (typeof(GuestMemory).GetField(nameof(GuestMemory.WriteTag))!, typeof(RegionContext).GetField(nameof(RegionContext.WriteTag))!),
        (typeof(UniJit.Runtime.Dispatch.HostSignals).GetField(nameof(UniJit.Runtime.Dispatch.HostSignals.Attention))!,
            typeof(RegionContext).GetField(nameof(RegionContext.Attention))!),
    ];

    /// <summary>Loads the host pointers <see cref="LdPointer"/> names (the guest memory window, the permission
    /// tags, the signal word) into locals, once at the method's start. With <paramref name="fromContext"/> they
    /// come from fields of the region's context (argument 0), which RyuJIT cannot fold into constants, so it
    /// keeps each in a register or a stack slot instead of materializing a 10-byte immediate at every
    /// access: worth it for a region that mostly loops (memstr 11 % faster, its memcmp code 9 % smaller), not for a
    /// short one entered often, whose prologue would pay the loads (python's nbody 4 % slower). Otherwise a
    /// method compiled in this process uses constants, and so does one saved for later runs (<see cref="Portable"/>)
    /// when the pointers are the same in every process (<see cref="GuestMemory.FixedLayout"/>); else a saved
    /// method reads them from its context too (from the static fields, its ReadyToRun code, which is never
    /// recompiled at tier 1, would call a class-initialization helper for them at every entry).</summary>
    public void LoadPointers(bool fromContext)
    {
        foreach (var (f, ctx) in contextPointers)
        {
            if (f.Name == nameof(GuestMemory.Base) && GuestMemory.WindowAtZero) continue; // nothing to add
            if (fromContext || (Portable && !GuestMemory.FixedLayout))
            {
                var l = pointers[f] = Il.DeclareLocal(typeof(nint));
                Il.Emit(OpCodes.Ldarg_0);
                Il.Emit(OpCodes.Ldfld, ctx);
                Il.Emit(OpCodes.Stloc, l);
            }
        }
    }

    /// <summary>Pushes the host pointer held by static field <paramref name="name"/> of <paramref name="type"/>:
    /// the local <see cref="LoadPointers"/> filled, or a constant of the code.</summary>
    public unsafe void LdPointer(Type type, string name)
    {
        var f = type.GetField(name, BindingFlags.Public | BindingFlags.Static)!;
        if (pointers.TryGetValue(f, out var l)) { Il.Emit(OpCodes.Ldloc, l); return; }
        // Saved code may hold the pointers that are the same in every process with the fixed layout.
        if (Portable && !(GuestMemory.FixedLayout && contextPointers.Any(p => p.Static == f)))
            throw new InvalidOperationException($"{name}: a saved method cannot hold this process's pointers");
        Il.Emit(OpCodes.Ldc_I8, (long)(nint)Pointer.Unbox(f.GetValue(null)!));
        Il.Emit(OpCodes.Conv_U);
    }

    /// <summary>The general registers (bit n = register n) that live in the state rather than in a local
    /// for the whole method: their reads and writes go to <see cref="CpuState"/>, and spills and reloads
    /// skip them. Set before anything is emitted.</summary>
    public int InState;

    bool Local(int r) => (InState & (1 << r)) == 0;

    /// <summary>Registers of <see cref="InState"/> the current block keeps copies of (<see cref="CacheBlock"/>):
    /// once read or written there (or on every way in, <see cref="CacheValid"/>), the block reads the copy, a
    /// local; writes go to both, so the state stays exact for exits, slow paths and handlers.</summary>
    int cachedMask, cacheValid;
    readonly LocalBuilder?[] cache = new LocalBuilder?[16];

    /// <summary>The registers whose copies hold their values at this point of the code.</summary>
    public int CacheValid => cacheValid;

    /// <summary>At a block's start: the registers of <see cref="InState"/> in <paramref name="mask"/> (those the
    /// block names more than once, and those in <paramref name="valid"/>, whose copies hold their values on every
    /// way into the block) keep copies in locals, each made at its first read or write in the block unless
    /// valid, so that later reads come from host registers instead of the state (a write followed by a read
    /// went through store forwarding, and a read-modify-write of the state chained several such round trips:
    /// 12 % of the samples of fib.py's hottest region). A copy is made where the code first uses it, not at the
    /// block's start (loaded there, RyuJIT kept several in stack slots across a long block).
    /// 0 at the end of the blocks (the code emitted after them reads the state).</summary>
    public void CacheBlock(int mask, int valid = 0)
    {
        cachedMask = (mask | valid) & InState;
        cacheValid = valid & cachedMask;
    }

    /// <summary>Marks a label inside a block. Without <paramref name="valid"/> a branch may join there, so no
    /// copy made before it is known to hold its register's value on every path (<see cref="CacheBlock"/>; the
    /// next use makes them again); with it, only a branch from a point whose <see cref="CacheValid"/> was that
    /// reaches the label (a test that skips an exit).</summary>
    public void MarkLabel(System.Reflection.Emit.Label l, int valid = 0)
    {
        Il.MarkLabel(l);
        cacheValid = valid;
    }

    /// <summary>Stores the register locals in <paramref name="mask"/> (bit n = register n) into the state.</summary>
    public void Spill(int mask = 0xFFFF)
    {
        for (int r = 0; r < 16; r++)
            if ((mask & (1 << r)) != 0 && Local(r))
            {
                LdStateAddr(StateLayout.Gpr + r * 8);
                Il.Emit(OpCodes.Ldloc, regs[r]);
                Il.Emit(OpCodes.Stind_I8);
            }
    }

    /// <summary>Loads the register locals in <paramref name="mask"/> from the state.</summary>
    public void Reload(int mask = 0xFFFF)
    {
        for (int r = 0; r < 16; r++)
        {
            if ((mask & (1 << r)) == 0) continue;
            cacheValid &= ~(1 << r);
            if (!Local(r)) continue;
            LdStateAddr(StateLayout.Gpr + r * 8);
            Il.Emit(OpCodes.Ldind_I8);
            Il.Emit(OpCodes.Stloc, regs[r]);
        }
    }

    /// <summary>Pushes all 64 bits of general register <paramref name="r"/> (by index).</summary>
    public void LdGpr(int r)
    {
        if (Local(r)) { Il.Emit(OpCodes.Ldloc, regs[r]); return; }
        if ((cacheValid & (1 << r)) != 0) { Il.Emit(OpCodes.Ldloc, cache[r]!); return; }
        LdStateAddr(StateLayout.Gpr + r * 8);
        Il.Emit(OpCodes.Ldind_I8);
        if ((cachedMask & (1 << r)) != 0)
        {
            Il.Emit(OpCodes.Dup);
            Il.Emit(OpCodes.Stloc, cache[r] ??= Il.DeclareLocal(typeof(ulong)));
            cacheValid |= 1 << r;
        }
    }

    /// <summary>Pops a 64-bit value into general register <paramref name="r"/> (by index).</summary>
    public void StGpr(int r)
    {
        if (Local(r)) { Il.Emit(OpCodes.Stloc, regs[r]); return; }
        if ((cachedMask & (1 << r)) != 0)
        {
            Il.Emit(OpCodes.Stloc, cache[r] ??= Il.DeclareLocal(typeof(ulong)));
            cacheValid |= 1 << r;
            LdStateAddr(StateLayout.Gpr + r * 8);
            Il.Emit(OpCodes.Ldloc, cache[r]!);
            Il.Emit(OpCodes.Stind_I8);
            return;
        }
        var v = Temp();
        Il.Emit(OpCodes.Stloc, v);
        LdStateAddr(StateLayout.Gpr + r * 8);
        Il.Emit(OpCodes.Ldloc, v);
        Il.Emit(OpCodes.Stind_I8);
        Free(v);
    }

    /// <summary>Pushes the value of a general register, zero-extended to 64 bits.</summary>
    public void LoadReg(Register r)
    {
        int idx = Operands.GprIndex(r), size = Operands.RegSize(r);
        LdGpr(idx);
        bool high = r is Register.AH or Register.CH or Register.DH or Register.BH;
        if (high) { Il.Emit(OpCodes.Ldc_I4_8); Il.Emit(OpCodes.Shr_Un); }
        Mask(size);
    }

    /// <summary>Masks the 64-bit value on the stack to <paramref name="size"/> bytes.</summary>
    public void Mask(int size)
    {
        switch (size)
        {
            case 1: Il.Emit(OpCodes.Conv_U1); Il.Emit(OpCodes.Conv_U8); break;
            case 2: Il.Emit(OpCodes.Conv_U2); Il.Emit(OpCodes.Conv_U8); break;
            case 4: Il.Emit(OpCodes.Conv_U4); Il.Emit(OpCodes.Conv_U8); break;
        }
    }

    /// <summary>Sign-extends the value on the stack from <paramref name="size"/> bytes to 64 bits.</summary>
    public void SignExtend(int size)
    {
        switch (size)
        {
            case 1: Il.Emit(OpCodes.Conv_I1); Il.Emit(OpCodes.Conv_I8); break;
            case 2: Il.Emit(OpCodes.Conv_I2); Il.Emit(OpCodes.Conv_I8); break;
            case 4: Il.Emit(OpCodes.Conv_I4); Il.Emit(OpCodes.Conv_I8); break;
        }
    }

    /// <summary>Pops a value and writes it to a general register (merge for 8/16 bits, zero-extend for 32).</summary>
    public void StoreReg(Register r)
    {
        int idx = Operands.GprIndex(r), size = Operands.RegSize(r);
        switch (size)
        {
            case 8: StGpr(idx); return;
            case 4: Il.Emit(OpCodes.Conv_U4); Il.Emit(OpCodes.Conv_U8); StGpr(idx); return;
        }
        bool high = r is Register.AH or Register.CH or Register.DH or Register.BH;
        ulong keep = size == 2 ? ~0xFFFFUL : high ? ~0xFF00UL : ~0xFFUL;
        ulong m = size == 2 ? 0xFFFFUL : 0xFFUL;
        LdConst(m);
        Il.Emit(OpCodes.And);
        if (high) { Il.Emit(OpCodes.Ldc_I4_8); Il.Emit(OpCodes.Shl); }
        LdGpr(idx);
        LdConst(keep);
        Il.Emit(OpCodes.And);
        Il.Emit(OpCodes.Or);
        StGpr(idx);
    }

    /// <summary>Pushes the effective address of the memory operand (segment base added unless <paramref name="noSegment"/>).</summary>
    public void EffectiveAddress(in Instruction i, bool noSegment = false) =>
        EffectiveAddress(noSegment ? Register.None : i.MemorySegment, i.MemoryBase, i.MemoryIndex, i.MemoryIndexScale, i.MemoryDisplacement64);

    /// <summary>Pushes segment base (FS, GS; others are 0) + base + index * scale + displacement.</summary>
    public void EffectiveAddress(Register segment, Register b, Register x, int scale, ulong displacement)
    {
        LdConst(displacement);
        if (b != Register.None && b != Register.RIP && b != Register.EIP) { LoadReg(b); Il.Emit(OpCodes.Add); }
        if (x != Register.None)
        {
            LoadReg(x);
            if (scale != 1) { Il.Emit(OpCodes.Ldc_I4, scale switch { 2 => 1, 4 => 2, _ => 3 }); Il.Emit(OpCodes.Shl); }
            Il.Emit(OpCodes.Add);
        }
        if (b != Register.None && Operands.RegSize(b) == 4 || x != Register.None && Operands.RegSize(x) == 4 || b == Register.EIP)
            Mask(4);
        if (segment == Register.FS) { LdStateAddr(StateLayout.FsBase); Il.Emit(OpCodes.Ldind_I8); Il.Emit(OpCodes.Add); }
        else if (segment == Register.GS) { LdStateAddr(StateLayout.GsBase); Il.Emit(OpCodes.Ldind_I8); Il.Emit(OpCodes.Add); }
    }

    /// <summary>
    /// Pops a guest address and pushes the host pointer for an access of <paramref name="n"/> bytes there.
    /// The common case is inline and costs one compare and one branch: the page's entry in
    /// <see cref="GuestMemory.ReadTag"/> (or <see cref="GuestMemory.WriteTag"/>), exclusive-or the
    /// address, must leave no more than the page's last n bytes (<see cref="BranchUnlessAllowed"/>), which
    /// holds only when the address is inside the window, the access stays on one page, and the page
    /// allows it (a write also needs the page to hold no translated code); for
    /// <paramref name="aligned16"/> the address must also be 16-byte aligned.
    /// One branch per access, because RyuJIT's compile time grows steeply with the number of basic
    /// blocks (three branches per access made python3's big regions 18× slower to JIT).
    /// Anything else leaves the region before the instruction (<see cref="EmitSlowPaths"/>), and the
    /// interpreter runs it: it faults there exactly as it would have, or does the slow access (a page
    /// crossing, a write that drops translated code). So translated code has no slow-path calls, no
    /// join after an access, and the instruction must not have changed guest state before its last
    /// access (emitters commit register writes after their accesses, as precise faults already need).
    /// Values below the address on the IL stack stay.
    /// </summary>
    public unsafe void HostAddress(int n, bool write, bool aligned16 = false)
    {
        var a = accessAddress ??= Il.DeclareLocal(typeof(ulong));
        writeChecked = null; // another access in between: the write checks for itself
        CheckAccess?.Invoke();
        var slow = Il.DefineLabel();
        Il.Emit(OpCodes.Stloc, a);
        if (n <= CoveredSize && (!write || CoveredWrite))
        {
            // Its group's check covered the page; only the alignment is left, and not even that when an
            // earlier member of the group, at the same offset modulo 16, was found aligned.
            if (aligned16 && CoveredOffset is long off && CoveredGroup != null)
            {
                int bit = 1 << (int)(off & 15);
                int known = alignedInGroup.GetValueOrDefault(CoveredGroup);
                if ((known & bit) != 0) aligned16 = false;
                else alignedInGroup[CoveredGroup] = known | bit;
            }
            if (aligned16)
            {
                Il.Emit(OpCodes.Ldloc, a);
                Il.Emit(OpCodes.Ldc_I4_S, (sbyte)15);
                Il.Emit(OpCodes.Conv_U8);
                Il.Emit(OpCodes.And);
                Il.Emit(OpCodes.Brtrue, slow);
                slowPaths.Add(new(slow, FaultIp, PendingFlags));
            }
            LdHostPointer(a);
            return;
        }
        CountCheck();
        BranchUnlessAllowed(a, n, write, aligned16, slow);
        LdHostPointer(a);
        slowPaths.Add(new(slow, FaultIp, PendingFlags));
    }

    /// <summary>Pushes the host pointer of the guest address in <paramref name="a"/>: the address itself when
    /// the window is at host address 0 (<see cref="GuestMemory.WindowAtZero"/>), else the window's base plus it.</summary>
    void LdHostPointer(LocalBuilder a)
    {
        if (!GuestMemory.WindowAtZero) LdPointer(typeof(GuestMemory), nameof(GuestMemory.Base));
        Il.Emit(OpCodes.Ldloc, a);
        Il.Emit(OpCodes.Conv_U);
        if (!GuestMemory.WindowAtZero) Il.Emit(OpCodes.Add);
    }

    /// <summary>Pops an address, pushes the value read there (zero-extended). With
    /// <paramref name="thenWriteAt"/> (a read-modify-write, the address in that local), the read is
    /// checked as a write (a writable page is readable) and the instruction's write to the same
    /// address then needs no check of its own (<see cref="WriteOperand"/>).</summary>
    public void ReadMem(int size, LocalBuilder? thenWriteAt = null)
    {
        HostAddress(size, write: thenWriteAt != null);
        writeChecked = thenWriteAt;
        Il.Emit(OpCodes.Unaligned, (byte)1);
        Il.Emit(size switch { 1 => OpCodes.Ldind_U1, 2 => OpCodes.Ldind_U2, 4 => OpCodes.Ldind_U4, _ => OpCodes.Ldind_I8 });
        if (size != 8) Il.Emit(OpCodes.Conv_U8);
    }

    /// <summary>Pops a value and an address (pushed address first) and writes the value.</summary>
    public void WriteMem(int size)
    {
        var v = accessValue ??= Il.DeclareLocal(typeof(ulong));
        Il.Emit(OpCodes.Stloc, v);
        HostAddress(size, write: true);
        Il.Emit(OpCodes.Ldloc, v);
        Il.Emit(OpCodes.Unaligned, (byte)1);
        Il.Emit(size switch { 1 => OpCodes.Stind_I1, 2 => OpCodes.Stind_I2, 4 => OpCodes.Stind_I4, _ => OpCodes.Stind_I8 });
    }

    /// <summary>Pops an address, pushes a Vector128&lt;byte&gt;: 16 bytes (16-byte aligned unless
    /// <paramref name="unaligned"/>), or 8 or 4 bytes zero-extended.</summary>
    public void ReadVector(int size, bool unaligned)
    {
        HostAddress(size, write: false, aligned16: size == 16 && !unaligned);
        if (size == 16) { Il.Emit(OpCodes.Unaligned, (byte)1); Il.Emit(OpCodes.Ldobj, typeof(System.Runtime.Intrinsics.Vector128<byte>)); return; }
        Il.Emit(OpCodes.Unaligned, (byte)1);
        Il.Emit(size == 8 ? OpCodes.Ldind_I8 : OpCodes.Ldind_U4);
        if (size == 4) Il.Emit(OpCodes.Conv_U8);
        Call(typeof(SseCalls).GetMethod(nameof(SseCalls.FromU64))!);
    }

    /// <summary>Pops an address, pushes the double (<paramref name="size"/> 8) or float (4) stored there.</summary>
    public void ReadFloat(int size)
    {
        HostAddress(size, write: false);
        Il.Emit(OpCodes.Unaligned, (byte)1);
        Il.Emit(size == 8 ? OpCodes.Ldind_R8 : OpCodes.Ldind_R4);
    }

    /// <summary>Pops a Vector128&lt;byte&gt; and an address (pushed address first) and writes 16 bytes.</summary>
    public void WriteVector128(bool aligned)
    {
        vectorTemp ??= Il.DeclareLocal(typeof(System.Runtime.Intrinsics.Vector128<byte>));
        Il.Emit(OpCodes.Stloc, vectorTemp);
        HostAddress(16, write: true, aligned16: aligned);
        Il.Emit(OpCodes.Ldloc, vectorTemp);
        Il.Emit(OpCodes.Unaligned, (byte)1);
        Il.Emit(OpCodes.Stobj, typeof(System.Runtime.Intrinsics.Vector128<byte>));
    }

    /// <summary>Pushes operand <paramref name="op"/> at <paramref name="size"/> bytes; a memory operand's
    /// address comes from <paramref name="addr"/> when given (read-modify-write).</summary>
    public void ReadOperand(in Instruction i, int op, int size, LocalBuilder? addr = null, bool thenWrite = false)
    {
        switch (i.GetOpKind(op))
        {
            case OpKind.Register: LoadReg(i.GetOpRegister(op)); break;
            case OpKind.Memory:
                if (addr != null) Il.Emit(OpCodes.Ldloc, addr); else EffectiveAddress(in i);
                ReadMem(size, thenWrite ? addr : null);
                break;
            default: LdConst(i.GetImmediate(op) & Runtime.Semantics.Flags.Mask(size)); break;
        }
    }

    /// <summary>Writes the value in <paramref name="value"/> to operand <paramref name="op"/>.</summary>
    public unsafe void WriteOperand(in Instruction i, int op, int size, LocalBuilder value, LocalBuilder? addr = null)
    {
        if (i.GetOpKind(op) == OpKind.Register)
        {
            Il.Emit(OpCodes.Ldloc, value);
            StoreReg(i.GetOpRegister(op));
            return;
        }
        if (addr != null && addr == writeChecked)
        {
            // Checked for writing by the read of the same read-modify-write (ReadMem).
            writeChecked = null;
            LdHostPointer(addr);
            Il.Emit(OpCodes.Ldloc, value);
            Il.Emit(OpCodes.Unaligned, (byte)1);
            Il.Emit(size switch { 1 => OpCodes.Stind_I1, 2 => OpCodes.Stind_I2, 4 => OpCodes.Stind_I4, _ => OpCodes.Stind_I8 });
            return;
        }
        if (addr != null) Il.Emit(OpCodes.Ldloc, addr); else EffectiveAddress(in i);
        Il.Emit(OpCodes.Ldloc, value);
        WriteMem(size);
    }

    public static bool IsGprOperand(in Instruction i, int op) =>
        i.GetOpKind(op) != OpKind.Register || Operands.IsGpr(i.GetOpRegister(op));
}
