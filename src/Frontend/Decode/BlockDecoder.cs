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
    public static unsafe Instruction[] Decode(byte[] code, int length, ulong ip, out bool truncated)
    {
        var reader = new ByteArrayCodeReader(code, 0, length);
        var decoder = Iced.Intel.Decoder.Create(64, reader, ip, DecoderOptions.None);
        // A stack buffer and an exact copy rather than a List<Instruction> (or a Span<Instruction>): generic
        // code over Iced's struct is not in the ReadyToRun image and would be JIT-compiled at every start.
        Instruction* buf = stackalloc Instruction[MaxInstructions];
        int n = 0;
        truncated = false;
        while (n < MaxInstructions)
        {
            ref Instruction insn = ref buf[n];
            decoder.Decode(out insn);
            if (insn.Code == Code.INVALID)
            {
                truncated = decoder.LastError == DecoderError.NoMoreBytes;
                if (!(truncated && n > 0)) n++; // else decode the rest as its own block later
                break;
            }
            n++;
            if (EndsBlock(in insn)) break;
        }
        var block = new Instruction[n];
        for (int k = 0; k < n; k++) block[k] = buf[k];
        return block;
    }

    public static bool EndsBlock(in Instruction insn) =>
        insn.FlowControl != FlowControl.Next || insn.Code == Code.Syscall;
}
