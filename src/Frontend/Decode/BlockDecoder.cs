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
        // One decoder per thread, pointed at each block's bytes: making an Iced decoder for each block was a
        // quarter of this method's time in a warm python3 start (~26 000 blocks decoded, most run a few times).
        var decoder = Point(code, 0, length, ip);
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

    /// <summary>Decodes the one instruction at <paramref name="code"/>[<paramref name="offset"/>], at guest address <paramref name="ip"/>.</summary>
    public static Instruction DecodeOne(byte[] code, int offset, ulong ip)
    {
        Point(code, offset, code.Length, ip).Decode(out var insn);
        return insn;
    }

    static Iced.Intel.Decoder Point(byte[] code, int start, int length, ulong ip)
    {
        var reader = threadReader ??= new BufferReader();
        var decoder = threadDecoder ??= Iced.Intel.Decoder.Create(64, reader, 0, DecoderOptions.None);
        reader.Reset(code, start, length);
        decoder.IP = ip;
        return decoder;
    }

    [ThreadStatic] static BufferReader? threadReader;
    [ThreadStatic] static Iced.Intel.Decoder? threadDecoder;

    /// <summary>Iced's <see cref="ByteArrayCodeReader"/> with a buffer and length that can change.</summary>
    sealed class BufferReader : CodeReader
    {
        byte[] data = [];
        int pos, end;

        public void Reset(byte[] code, int start, int length) => (data, pos, end) = (code, start, length);

        public override int ReadByte() => pos < end ? data[pos++] : -1;
    }

    public static bool EndsBlock(in Instruction insn) =>
        insn.FlowControl != FlowControl.Next || insn.Code == Code.Syscall;
}
