using System.Runtime.CompilerServices;
using UniJit.Tests.Differential;
using UniJit.Tests.Semantics.Sse;

namespace UniJit.Tests.Support;

/// <summary>The native-CPU harnesses (<see cref="NativeScratch"/>, <see cref="NativeRunner"/>, <see cref="NativeCpu"/>)
/// map their areas at fixed low host addresses, which the guest window takes when it is reserved at host
/// address 0. They are mapped when the test assembly loads, before any test can reserve the window: the
/// window of the test process then lies wherever the kernel puts it, whichever test runs first (before,
/// a native harness failed with EEXIST when a test of guest code ran before it, as with
/// <c>--filter Semantics.Sse</c>). Programs run under unijit in child processes keep the default window.</summary>
public static class NativeAreas
{
    [ModuleInitializer]
    internal static unsafe void Init()
    {
        _ = NativeScratch.Data;
        _ = NativeRunner.State;
        NativeCpu.Reserve();
    }
}
