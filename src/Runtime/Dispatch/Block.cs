using Iced.Intel;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Dispatch;

/// <summary>A decoded basic block: Iced instructions and, for each, its interpreter handler.</summary>
public sealed unsafe class Block
{
    public readonly ulong Start;
    /// <summary>Address just past the last instruction (the fall-through RIP).</summary>
    public readonly ulong End;
    public readonly Instruction[] Insns;
    public readonly delegate*<Cpu, in Instruction, void>[] Handlers;
    /// <summary>Times the block was entered in the interpreter (for promotion to the IL tier).</summary>
    public int ExecCount;
    /// <summary>False once the block's page was written or unmapped.</summary>
    public bool Valid = true;
    /// <summary>The translated region that starts here (IL tier), or null while interpreted.</summary>
    public CompiledRegion? Compiled;
    /// <summary>Set once the block is part of a translated region (it may run there without being counted).</summary>
    public bool Translated;
    /// <summary>Set once the IL tier was asked for this block (so it is not asked again).</summary>
    public bool CompileRequested;

    /// <summary>The block ends in an indirect <c>jmp</c> (through a register or memory).</summary>
    public readonly bool EndsInIndirectJump;
    /// <summary>Where that jump went while the block was interpreted, the first <see cref="MaxTargets"/>
    /// distinct addresses (null until one is seen). A hint for region building only: an interpreter's
    /// dispatch jump then takes its handlers into the same region (see the IL tier's RegionBuilder),
    /// and the translated jump still checks where it actually goes.</summary>
    public ulong[]? IndirectTargets;
    public const int MaxTargets = 8;

    /// <summary>Records <paramref name="target"/> as a place the block's indirect jump went.</summary>
    public void ObserveTarget(ulong target)
    {
        var t = IndirectTargets ??= new ulong[MaxTargets];
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] == target) return;
            if (t[i] == 0) { t[i] = target; return; }
        }
    }

    public Block(ulong start, Instruction[] insns)
    {
        Start = start;
        Insns = insns;
        End = insns.Length > 0 ? insns[^1].NextIP : start;
        EndsInIndirectJump = insns.Length > 0 && insns[^1].FlowControl == FlowControl.IndirectBranch;
        Handlers = new delegate*<Cpu, in Instruction, void>[insns.Length];
        for (int i = 0; i < insns.Length; i++) Handlers[i] = Interpreter.HandlerTable.For(in insns[i]);
    }
}
