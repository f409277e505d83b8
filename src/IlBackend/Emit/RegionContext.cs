using System.Runtime.CompilerServices;
using Iced.Intel;
using UniJit.Runtime.Dispatch;

namespace UniJit.IlBackend.Emit;

/// <summary>What a translated region closes over: the decoded instructions that fall back to
/// interpreter handlers (passed to them by reference, as the interpreter does), and its links:
/// for each exit with a known target, the translated region there once one exists, so the exit
/// tail-calls it instead of returning to the dispatcher (block chaining). The region's epilogue does
/// not chain while a signal asks for attention, so the dispatcher can deliver it.</summary>
public sealed class RegionContext(Instruction[] insns, ulong[] linkTargets, GuestProcess process)
{
    public readonly Instruction[] Insns = insns;
    readonly ulong[] linkTargets = linkTargets;
    readonly CompiledRegion?[] links = new CompiledRegion?[linkTargets.Length];
    readonly GuestProcess process = process;

    /// <summary>The code to continue with at exit <paramref name="slot"/>, or null to return to the dispatcher.</summary>
    public RegionCode? Link(int slot)
    {
        var r = links[slot];
        if (r == null || !r.IsValid)
        {
            r = Resolve(linkTargets[slot]);
            links[slot] = r;
            if (r == null) return null;
        }
        process.ChainHits++;
        return r.Code;
    }

    /// <summary>The code to continue with at a computed address (returns, indirect jumps and calls).</summary>
    public RegionCode? LinkDynamic(ulong target)
    {
        var r = process.LookupCompiled(target);
        if (r == null) return null;
        process.ChainHits++;
        return r.Code;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    CompiledRegion? Resolve(ulong target) =>
        process.Blocks.TryGet(target, out var b) && b.Valid && b.Compiled is { } c ? c : null;
}
