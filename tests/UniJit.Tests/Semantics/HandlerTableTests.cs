using Iced.Intel;
using UniJit.Runtime.Interpreter;

namespace UniJit.Tests.Semantics;

public sealed class HandlerTableTests
{
    /// <summary>The tables indexed by Iced code are sized by <see cref="HandlerTable.CodeCount"/>, a constant
    /// (Iced's last code plus one) instead of Enum.GetValues at start: it must be exactly Iced's count, so
    /// that an Iced upgrade adding codes fails here and not with an index out of range in a guest.</summary>
    [Fact]
    public void CodeCountIsIcedsNumberOfCodes()
    {
        var codes = Enum.GetValues<Code>();
        Assert.Equal(codes.Length, HandlerTable.CodeCount);
        Assert.Equal(HandlerTable.CodeCount - 1, codes.Max(c => (int)c));
    }
}
