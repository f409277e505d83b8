using UniJit.Frontend.Elf;

namespace UniJit.Tests.Loader;

public class ElfImageTests
{
    [Fact]
    public void RejectsNonElf()
    {
        var e = Assert.Throws<ElfLoadException>(() => ElfImage.Parse("x", "#!/bin/sh\n"u8.ToArray()));
        Assert.Contains("not an ELF", e.Message);
    }

    [Fact]
    public void RejectsThirtyTwoBit()
    {
        var bytes = new byte[64];
        bytes[0] = 0x7F; bytes[1] = (byte)'E'; bytes[2] = (byte)'L'; bytes[3] = (byte)'F'; bytes[4] = 1; bytes[5] = 1;
        var e = Assert.Throws<ElfLoadException>(() => ElfImage.Parse("x", bytes));
        Assert.Contains("32-bit", e.Message);
    }
}
