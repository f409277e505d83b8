using Iced.Intel;
using UniJit.Frontend.Decode;

namespace UniJit.Tests.Frontend;

/// <summary>The block decoder reuses one Iced decoder per thread: each block must decode as a fresh decoder
/// decodes it, whatever the block before it ended with (a truncated or invalid instruction, other bytes).</summary>
public sealed class BlockDecoderTests
{
    static readonly (byte[] Code, int Length, ulong Ip)[] Blocks =
    [
        ([0x48, 0x89, 0xD8, 0x48, 0x83, 0xC0, 0x05, 0x75, 0xF7], 9, 0x401000),       // mov rax,rbx; add rax,5; jne
        ([0x48, 0x01, 0xC8, 0x48, 0xB8, 0x01, 0x02, 0x03], 8, 0x7fff_0000_0ff8),      // add rax,rcx; mov rax,imm64 cut short
        ([0x90, 0x06, 0x90], 3, 0x500000),                                             // nop; (invalid in 64-bit mode)
        ([0x0F, 0x05, 0xCC, 0xCC], 2, 0x600000),                                       // syscall ends the block
        ([0x48, 0xB8, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xC3, 0x00], 11, 0x401000), // the bytes past 'length' unread
    ];

    [Fact]
    public void EachBlockDecodesAsAFreshDecoderDecodesIt()
    {
        for (int round = 0; round < 2; round++)
            foreach (var (code, length, ip) in Blocks)
            {
                var got = BlockDecoder.Decode(code, length, ip, out bool truncated);
                var (want, wantTruncated) = Fresh(code, length, ip);
                Assert.Equal(want, got);
                Assert.Equal(wantTruncated, truncated);
            }
    }

    [Fact]
    public void OneInstructionAtAnOffsetDecodesAsAFreshDecoderDecodesIt()
    {
        var (code, length, ip) = Blocks[0];
        BlockDecoder.Decode(Blocks[1].Code, Blocks[1].Length, Blocks[1].Ip, out _); // leaves the thread's decoder mid-instruction
        for (int offset = 0; offset < length; offset += 3)
        {
            var want = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(code, offset, code.Length - offset), ip + (ulong)offset).Decode();
            Assert.Equal(want, BlockDecoder.DecodeOne(code, offset, ip + (ulong)offset));
        }
    }

    static (Instruction[], bool) Fresh(byte[] code, int length, ulong ip)
    {
        var d = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(code, 0, length), ip, DecoderOptions.None);
        var list = new List<Instruction>();
        while (true)
        {
            var insn = d.Decode();
            if (insn.Code == Code.INVALID)
            {
                bool truncated = d.LastError == DecoderError.NoMoreBytes;
                if (!(truncated && list.Count > 0)) list.Add(insn);
                return (list.ToArray(), truncated);
            }
            list.Add(insn);
            if (BlockDecoder.EndsBlock(in insn)) return (list.ToArray(), false);
        }
    }
}
