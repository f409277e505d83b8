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

    public Block(ulong start, Instruction[] insns)
    {
        Start = start;
        Insns = insns;
        End = insns.Length > 0 ? insns[^1].NextIP : start;
        Handlers = new delegate*<Cpu, in Instruction, void>[insns.Length];
        for (int i = 0; i < insns.Length; i++) Handlers[i] = Interpreter.HandlerTable.For(in insns[i]);
    }
}
