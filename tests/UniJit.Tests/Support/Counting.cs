using System.Runtime.CompilerServices;

namespace UniJit.Tests.Support;

/// <summary>Translated code compiled in the test process counts the guest instructions it runs, as with
/// --stats: the tier tests check <c>CpuState.InstructionCount</c> to know that translated code ran.</summary>
public static class Counting
{
    [ModuleInitializer]
    internal static void Init() => UniJit.IlBackend.Emit.RegionCompiler.CountInstructions = true;
}
