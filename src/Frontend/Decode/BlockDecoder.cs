using Iced.Intel;

namespace UniJit.Frontend.Decode;

/// <summary>
/// Decodes one basic block with Iced: instructions from <c>ip</c> up to and including the first one
/// that changes control flow (or enters the kernel), at most <see cref="MaxInstructions"/>.
/// </summary>
public static class BlockDecoder
{
    public const int MaxInstructions = 64;

    /// <summary>Decodes from <paramref name="code"/>, whose first byte is at guest address <paramref name="ip"/>.
    /// An undecodable instruction is kept (as <see cref="Code.INVALID"/>) and ends the block;
    /// <paramref name="truncated"/> says whether it ran out of bytes rather than being invalid.</summary>
    public static Instruction[] Decode(byte[] code, int length, ulong ip, out bool truncated)
    {
        var reader = new ByteArrayCodeReader(code, 0, length);
        var decoder = Iced.Intel.Decoder.Create(64, reader, ip, DecoderOptions.None);
        var list = new List<Instruction>(16);
        truncated = false;
        while (list.Count < MaxInstructions)
        {
            decoder.Decode(out var insn);
            if (insn.Code == Code.INVALID)
            {
                truncated = decoder.LastError == DecoderError.NoMoreBytes;
                if (truncated && list.Count > 0) break; // decode the rest as its own block later
                list.Add(insn);
                break;
            }
            list.Add(insn);
            if (EndsBlock(in insn)) break;
        }
        return list.ToArray();
    }

    public static bool EndsBlock(in Instruction insn) =>
        insn.FlowControl != FlowControl.Next || insn.Code == Code.Syscall;
}
