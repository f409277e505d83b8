using Iced.Intel;
using UniJit.Tests.Semantics.Sse;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.Semantics.Mmx;

/// <summary>
/// MMX differential cases on <see cref="SseDiff"/>: each snippet runs between an <c>fxrstor64 [rbx]</c>
/// of a random x87 image (TOP, tags, control and status words, register contents with MMX-style
/// values, XMM and MXCSR from the case's random state) and an <c>fxsave64 [rbx+0x200]</c>, on the CPU,
/// in the interpreter and in the IL tier. The saved image is guest data, so the comparison covers
/// MM0-7 (the significands), the exponent words, TOP, the abridged tag word and the status word,
/// besides the general and XMM registers, flags and memory that SseDiff compares.
/// </summary>
public static unsafe class MmxCases
{
    /// <summary>Offsets in the data area: the input image (at rbx) and the saved one.</summary>
    public const int Image = 0x3000, Saved = 0x3200;

    public delegate void RegForm(Assembler a, AssemblerRegisterMM d, AssemblerRegisterMM s);
    public delegate void MemForm(Assembler a, AssemblerRegisterMM d, AssemblerMemoryOperand m);

    /// <summary>A case: <paramref name="body"/> between the image restore and save.
    /// <paramref name="x87"/>: the snippet runs x87 instructions too (FOP/FIP/FDP are then not compared).</summary>
    public static SseCase Case(string name, Action<Assembler> body, Lanes lanes = Lanes.Int, Tweak? tweak = null, bool x87 = false,
        NativeFixup? fixup = null) =>
        new(name, a => { a.fxrstor64(__[rbx]); body(a); a.fxsave64(__[rbx + 0x200]); }, lanes,
            (r, m, d) => { RandomImage(r, m, d); tweak?.Invoke(r, m, d); }, Fninit: true,
            Fixup: (m, n, g) => { (x87 ? X87Ran : Mask)(m, n, g); fixup?.Invoke(m, n, g); });

    /// <summary>mm1,mm2 / mm5,mm5 / mm0,mm7 / mm3,[rsi+8] (aligned) / mm6,[rdi+3] (misaligned).
    /// <paramref name="tweak"/> gets the source operand's register number (-1 for memory).</summary>
    public static IEnumerable<SseCase> Forms(string name, RegForm reg, MemForm mem, int memSize = 8, Lanes lanes = Lanes.Int,
        Func<int, Tweak>? tweak = null)
    {
        yield return Case(name + " mm1,mm2", a => reg(a, mm1, mm2), lanes, tweak?.Invoke(2));
        yield return Case(name + " mm5,mm5", a => reg(a, mm5, mm5), lanes, tweak?.Invoke(5));
        yield return Case(name + " mm0,mm7", a => reg(a, mm0, mm7), lanes, tweak?.Invoke(7));
        var m1 = memSize == 4 ? __dword_ptr[rsi + 8] : __qword_ptr[rsi + 8];
        var m2 = memSize == 4 ? __dword_ptr[rdi + 3] : __qword_ptr[rdi + 3];
        yield return Case(name + " mm3,[rsi+8]", a => mem(a, mm3, m1), lanes, tweak?.Invoke(-1));
        yield return Case(name + " mm6,[rdi+3]", a => mem(a, mm6, m2), lanes, tweak?.Invoke(-2));
    }

    // ---- the x87 image ----

    static void W16(Span<byte> s, int o, int v) => BitConverter.TryWriteBytes(s[o..], (ushort)v);

    /// <summary>A restorable image at [rbx]: all x87 exceptions masked and none pending (a native
    /// #MF would kill the test host), any TOP, tags, condition codes and register contents.</summary>
    static void RandomImage(Random r, MachineState* m, byte[] data)
    {
        var img = data.AsSpan(Image, 512);
        img.Clear();
        int pc = r.Next(3) switch { 0 => 0, 1 => 2, _ => 3 };
        W16(img, 0, 0x037F | (r.Next(4) << 10) | (pc << 8));
        int top = r.Next(3) == 0 ? 0 : r.Next(8);
        W16(img, 2, (top << 11) | (r.Next(0x10000) & 0x477F));
        img[4] = (byte)(r.Next(3) switch { 0 => 0xFF, 1 => 0, _ => r.Next(256) });
        BitConverter.TryWriteBytes(img[24..], m->Mxcsr);
        for (int i = 0; i < 8; i++)
        {
            var slot = img.Slice(32 + 16 * i);
            BitConverter.TryWriteBytes(slot, RandMm(r));
            W16(slot, 8, r.Next(4) switch { 0 => 0xFFFF, 1 => r.Next(0x10000), 2 => 0x3FFF + r.Next(-3, 4), _ => 0 });
        }
        new ReadOnlySpan<byte>(m->Xmm, 256).CopyTo(img[160..]);
    }

    /// <summary>Sets MMn (physical register n: image slot (n - TOP) mod 8) in the input image.</summary>
    public static void SetMm(byte[] data, int n, ulong v)
    {
        int top = (BitConverter.ToUInt16(data, Image + 2) >> 11) & 7;
        BitConverter.TryWriteBytes(data.AsSpan(Image + 32 + 16 * ((n - top) & 7)), v);
    }

    /// <summary>Sets the source operand of a <see cref="Forms"/> case: MMn, or the quadword it reads from memory.</summary>
    public static void SetSource(MachineState* m, byte[] data, int src, ulong v)
    {
        if (src >= 0) { SetMm(data, src, v); return; }
        int off = src == -1 ? 0x1008 : (int)(m->Gpr[7] - Sse.NativeRunner.DataAddr) + 3;
        BitConverter.TryWriteBytes(data.AsSpan(off), v);
    }

    static readonly ulong[] special =
    [
        0, ulong.MaxValue, 1, 0x8000000000000000, 0x7FFFFFFFFFFFFFFF, 0x8080808080808080, 0x7F7F7F7F7F7F7F7F,
        0x8000800080008000, 0x7FFF7FFF7FFF7FFF, 0x8000000080000000, 0x7FFFFFFF7FFFFFFF, 0xFFFFFFFF,
        0x00FF00FF00FF00FF, 0x0101010101010101, 0x0001000100010001, 0xFFFF0000FFFF0000, 0xFF80FF7F007F0080,
    ];
    static readonly byte[] bytes = [0, 0xFF, 0x80, 0x7F, 0x01, 0xFE, 0x81];
    static readonly ushort[] words = [0, 0xFFFF, 0x8000, 0x7FFF, 0x00FF, 0xFF80, 0x0080, 0xFF7F, 0x007F, 0xFF81, 0x0100, 1];
    static readonly uint[] dwords = [0, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0xFFFF8000, 0x7FFF, 0x8000, 0xFFFF7FFF, 1];

    /// <summary>An MMX value: edge values per byte, word or doubleword (0, -1, 0x80.., 0x7f.., the
    /// saturation boundaries of the packs), special quadwords, or random bits.</summary>
    public static ulong RandMm(Random r)
    {
        ulong v = 0;
        switch (r.Next(6))
        {
            case 0: return special[r.Next(special.Length)];
            case 1:
                for (int k = 0; k < 8; k++) v |= (ulong)(r.Next(3) == 0 ? (byte)r.Next(256) : bytes[r.Next(bytes.Length)]) << (8 * k);
                return v;
            case 2:
                for (int k = 0; k < 4; k++) v |= (ulong)(r.Next(3) == 0 ? (ushort)r.Next(0x10000) : words[r.Next(words.Length)]) << (16 * k);
                return v;
            case 3:
                for (int k = 0; k < 2; k++) v |= (ulong)(r.Next(3) == 0 ? (uint)r.Next() : dwords[r.Next(dwords.Length)]) << (32 * k);
                return v;
            case 4: return (ulong)r.Next(-40, 40);
            default: return (ulong)r.NextInt64() ^ ((ulong)r.Next(2) << 63);
        }
    }

    // ---- native-side adjustments ----

    /// <summary>UniJit reports Intel's MXCSR_MASK (0xFFFF); an AMD host reports 0x2FFFF.</summary>
    static void MaskMxcsrMask(MachineState* m, byte* native, byte* guest) => *(uint*)(native + Saved + 28) &= 0xFFFF;

    /// <summary>After x87 instructions also FOP, FIP and FDP: the snippets run at different addresses,
    /// and an AMD host saves them only while an exception is pending.</summary>
    static void X87Pointers(MachineState* m, byte* native, byte* guest)
    {
        MaskMxcsrMask(m, native, guest);
        new ReadOnlySpan<byte>(guest + Saved + 6, 18).CopyTo(new Span<byte>(native + Saved + 6, 18));
    }

    static readonly NativeFixup Mask = MaskMxcsrMask, X87Ran = X87Pointers;
}
