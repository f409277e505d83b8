using System.Reflection;
using UniJit.IlBackend.Emit;
using UniJit.Runtime.Semantics;

namespace UniJit.Tests.IlBackend;

public sealed class InlinedHelperTests
{
    /// <summary>The classes whose static methods translated code calls inline are beforefieldinit (no static
    /// constructor): for a class with one, the ReadyToRun code of a saved region calls the runtime's
    /// class-initialization helper before every inlined call (SseNative's made nbody.py's saved regions call
    /// it before each floating-point instruction, spilling the XMM registers around it).</summary>
    [Theory]
    [InlineData(typeof(SseNative))]
    [InlineData(typeof(Alu))]
    [InlineData(typeof(Flags))]
    [InlineData(typeof(Bits))]
    [InlineData(typeof(SimdShuffle))]
    public void HelperClassesHaveNoStaticConstructor(Type t)
    {
        Assert.True((t.Attributes & TypeAttributes.BeforeFieldInit) != 0 || t.TypeInitializer == null,
            $"{t.Name} has a static constructor");
    }
}
