using Iced.Intel;

namespace UniJit.IlBackend.Emit;

/// <summary>What a translated region closes over: the decoded instructions that fall back to
/// interpreter handlers (passed to them by reference, as the interpreter does).</summary>
public sealed class RegionContext(Instruction[] insns)
{
    public readonly Instruction[] Insns = insns;
}
