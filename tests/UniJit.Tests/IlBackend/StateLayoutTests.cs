using System.Runtime.InteropServices;
using UniJit.IlBackend.Emit;
using UniJit.Runtime.State;

namespace UniJit.Tests.IlBackend;

public sealed class StateLayoutTests
{
    /// <summary>The offsets translated code addresses the state by, taken from field addresses, are the
    /// ones the runtime's layout gives.</summary>
    [Fact]
    public void OffsetsAreTheFieldsOffsets()
    {
        int Of(string f) => (int)Marshal.OffsetOf<CpuState>(f);
        Assert.Equal(Of(nameof(CpuState.Gpr)), StateLayout.Gpr);
        Assert.Equal(Of(nameof(CpuState.Rflags)), StateLayout.Rflags);
        Assert.Equal(Of(nameof(CpuState.Rip)), StateLayout.Rip);
        Assert.Equal(Of(nameof(CpuState.FsBase)), StateLayout.FsBase);
        Assert.Equal(Of(nameof(CpuState.GsBase)), StateLayout.GsBase);
        Assert.Equal(Of(nameof(CpuState.Attention)), StateLayout.Attention);
        Assert.Equal(Of(nameof(CpuState.HandlerIp)), StateLayout.HandlerIp);
        Assert.Equal(Of(nameof(CpuState.Retry)), StateLayout.Retry);
        Assert.Equal(Of(nameof(CpuState.InstructionCount)), StateLayout.InstructionCount);
        Assert.Equal(Of(nameof(CpuState.Mxcsr)), StateLayout.Mxcsr);
        Assert.Equal(Of(nameof(CpuState.FpHeld)), StateLayout.FpHeld);
        Assert.Equal(Of(nameof(CpuState.Fpu)), StateLayout.Fpu);
        Assert.Equal(Of(nameof(CpuState.ChainHits)), StateLayout.ChainHits);
        Assert.Equal(Of(nameof(CpuState.AccessChecks)), StateLayout.AccessChecks);
        Assert.Equal(Of(nameof(CpuState.Xmm)), StateLayout.Xmm);
        Assert.Equal(Of(nameof(CpuState.Fpu)) + (int)Marshal.OffsetOf<X87State>(nameof(X87State.Control)), StateLayout.FpuControl);
        Assert.Equal(Of(nameof(CpuState.Fpu)) + (int)Marshal.OffsetOf<X87State>(nameof(X87State.Status)), StateLayout.FpuStatus);
    }
}
