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

    /// <summary>Open reads the first 64 KiB for the headers: a file whose program headers lie past them (moved
    /// to its end here) is read whole and gives the same image; a PT_INTERP string past them as well.</summary>
    [Fact]
    public void HeadersPastTheFirstBytesAreReadFromTheWholeFile()
    {
        var original = File.ReadAllBytes("/usr/bin/python3");
        var expected = ElfImage.Parse("python3", original);
        ulong phoff = BitConverter.ToUInt64(original, 32);
        int phnum = BitConverter.ToUInt16(original, 56);
        int at = Math.Max(original.Length, 80 << 10);
        var moved = new byte[at + phnum * 56];
        original.CopyTo(moved, 0);
        Array.Copy(original, (int)phoff, moved, at, phnum * 56);
        BitConverter.TryWriteBytes(moved.AsSpan(32), (ulong)at);
        string path = Path.Combine(Path.GetTempPath(), $"unijit-elf-test-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(path, moved);
            var image = ElfImage.Open(path);
            Assert.Equal(expected.Loads, image.Loads);
            Assert.Equal(expected.Interpreter, image.Interpreter);
            Assert.Equal((ulong)at, image.PhOff);
            Assert.Equal((ulong)moved.Length, image.FileLength);
            // The same file with its interpreter's path moved past the first 64 KiB too.
            for (int k = 0; k < phnum; k++)
            {
                int ph = at + k * 56;
                if (BitConverter.ToUInt32(moved, ph) != 3 /* PT_INTERP */) continue;
                ulong off = BitConverter.ToUInt64(moved, ph + 8), size = BitConverter.ToUInt64(moved, ph + 32);
                var longer = new byte[moved.Length + (int)size];
                moved.CopyTo(longer, 0);
                Array.Copy(moved, (int)off, longer, moved.Length, (int)size);
                BitConverter.TryWriteBytes(longer.AsSpan(ph + 8), (ulong)moved.Length);
                File.WriteAllBytes(path, longer);
                Assert.Equal(expected.Interpreter, ElfImage.Open(path).Interpreter);
            }
            Assert.NotNull(expected.Interpreter);
        }
        finally { File.Delete(path); }
    }
}

