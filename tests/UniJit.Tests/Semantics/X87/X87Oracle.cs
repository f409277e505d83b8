using System.Runtime.InteropServices;
using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Interpreter;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;
using X87S = UniJit.Runtime.Semantics.X87;

namespace UniJit.Tests.Semantics.X87;

/// <summary>
/// Runs one x87 snippet twice — natively on the host CPU and in UniJit's interpreter — over the
/// same data area, and returns both final states for comparison. The real CPU is the oracle.
///
/// The data area is at <see cref="GuestCode.DataAddress"/> in both worlds (host: a
/// MAP_FIXED_NOREPLACE mapping at that host address; guest: the guest address), and RBX points at
/// it, so snippets address their inputs and outputs as [rbx + offset]:
/// inputs at 0x00..0x7F, outputs at 0x100..0x1FF. Before the snippet: fninit, fldcw with the
/// case's control word, RFLAGS from the case. After it: RFLAGS and an fnsave image are captured
/// (fnsave also leaves the host FPU initialized for .NET).
///
/// The interpreter side runs the snippet's instructions through <see cref="HandlerTable"/> directly,
/// so it needs no integer instructions or syscalls.
/// </summary>
public static unsafe class X87Oracle
{
    public const ulong Data = GuestCode.DataAddress;
    public const int InCw = 0x80, InFlags = 0x88, Out = 0x100, OutSize = 0x100, OutFlags = 0x200, OutSave = 0x210;
    const int AreaSize = 0x1000;

    static byte* hostData;
    static byte* hostCode;
    static bool guestMapped;

    [DllImport("libc", SetLastError = true)]
    static extern void* mmap(void* addr, nuint length, int prot, int flags, int fd, long offset);

    /// <summary>The observable result of one run.</summary>
    public sealed class State
    {
        public ushort Cw, Sw, Tw;
        public Float80[] St = new Float80[8];
        public ulong Flags;
        public byte[] Out = new byte[OutSize];

        /// <summary>Describes the first difference from <paramref name="o"/>, or null.</summary>
        public string? Diff(State o, bool checkFlags)
        {
            var d = new List<string>();
            if (Cw != o.Cw) d.Add($"cw {Cw:X4} vs {o.Cw:X4}");
            if (Sw != o.Sw) d.Add($"sw {Sw:X4} vs {o.Sw:X4}");
            if (Tw != o.Tw) d.Add($"tw {Tw:X4} vs {o.Tw:X4}");
            for (int k = 0; k < 8; k++)
            {
                int p = ((Sw >> 11) + k) & 7;
                bool empty = ((Tw >> (2 * p)) & 3) == 3;
                if (!empty && !St[k].Equals(o.St[k])) d.Add($"st{k} {St[k]} vs {o.St[k]}");
            }
            if (checkFlags && ((Flags ^ o.Flags) & UniJit.Runtime.Semantics.Flags.Arith) != 0)
                d.Add($"rflags {Flags:X} vs {o.Flags:X}");
            if (!Out.AsSpan().SequenceEqual(o.Out))
                d.Add($"out {Convert.ToHexString(Out, 0, 32)} vs {Convert.ToHexString(o.Out, 0, 32)}");
            return d.Count == 0 ? null : string.Join("; ", d);
        }

        /// <summary>Like <see cref="Diff"/> but accepting registers within one unit in the last place
        /// and a different C1 (the "rounded up" bit follows the last place): for the transcendentals,
        /// which the CPU does not round correctly in every case.</summary>
        public string? DiffUlp(State o)
        {
            var d = new List<string>();
            if (Cw != o.Cw) d.Add($"cw {Cw:X4} vs {o.Cw:X4}");
            if (((Sw ^ o.Sw) & ~0x200) != 0) d.Add($"sw {Sw:X4} vs {o.Sw:X4}");
            if (Tw != o.Tw) d.Add($"tw {Tw:X4} vs {o.Tw:X4}");
            for (int k = 0; k < 8; k++)
            {
                int p = ((Sw >> 11) + k) & 7;
                bool empty = ((Tw >> (2 * p)) & 3) == 3;
                if (!empty && !WithinUlp(St[k], o.St[k])) d.Add($"st{k} {St[k]} vs {o.St[k]}");
            }
            if (!Out.AsSpan().SequenceEqual(o.Out)) d.Add("out differs");
            return d.Count == 0 ? null : string.Join("; ", d);
        }

        static bool WithinUlp(Float80 a, Float80 b)
        {
            if (a.Equals(b)) return true;
            if (a.Sign != b.Sign || a.IsNaN || b.IsNaN) return false;
            // Adjacent values: same exponent and significands one apart, or across a binade boundary.
            Int128 ka = ((Int128)a.Exp << 63) + (a.Mant & ~(1UL << 63)), kb = ((Int128)b.Exp << 63) + (b.Mant & ~(1UL << 63));
            return Int128.Abs(ka - kb) <= 1;
        }

        public override string ToString() =>
            $"cw={Cw:X4} sw={Sw:X4} tw={Tw:X4} st0={St[0]} st1={St[1]} st2={St[2]} out={Convert.ToHexString(Out, 0, 16)}";
    }

    static void EnsureMapped()
    {
        if (hostData != null) return;
        const int PROT_RWX = 7, PROT_RW = 3, MAP_PRIVATE = 2, MAP_ANON = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
        void* d = UniJit.Tests.Support.NativeScratch.Data; // shared with the other native harnesses
        hostData = (byte*)d;
        void* c = mmap(null, 0x10000, PROT_RWX, MAP_PRIVATE | MAP_ANON, -1, 0);
        if (c == (void*)-1) throw new InvalidOperationException("host mmap of code failed");
        hostCode = (byte*)c;
    }

    static void EnsureGuestMapped()
    {
        if (guestMapped) return;
        long r = AddressSpace.Map(Data, GuestCode.DataSize, Native.PROT_READ | Native.PROT_WRITE,
            Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_FIXED, -1, 0);
        if (r < 0) throw new InvalidOperationException($"guest map failed: {r}");
        guestMapped = true;
    }

    /// <summary>Assembles <paramref name="body"/> alone (what the interpreter runs).</summary>
    public static byte[] Assemble(Action<Assembler> body, ulong at)
    {
        var asm = new Assembler(64);
        body(asm);
        var ms = new MemoryStream();
        asm.Assemble(new StreamCodeWriter(ms), at);
        return ms.ToArray();
    }

    /// <summary>Runs the snippet on the host CPU. Overflow and underflow must stay masked in
    /// <paramref name="cw"/>; other exceptions may be unmasked only when the snippet's last waiting
    /// x87 instruction is the one that may raise them (the pending exception then only sets ES, and
    /// the epilogue's non-waiting fnsave stores and clears it before anything could trap).</summary>
    public static State RunNative(Action<Assembler> body, byte[] input, ushort cw, ulong rflags)
    {
        EnsureMapped();
        if ((cw & 0x18) != 0x18) throw new ArgumentException("unmasked overflow/underflow is not supported by the oracle");
        var asm = new Assembler(64);
        asm.push(rbx);
        asm.mov(rbx, Data);
        asm.push(__qword_ptr[rbx + InFlags]);
        asm.popfq();
        asm.fninit();
        asm.fldcw(__word_ptr[rbx + InCw]);
        body(asm);
        asm.pushfq();
        asm.pop(__qword_ptr[rbx + OutFlags]);
        asm.fnsave(__[rbx + OutSave]);
        asm.pop(rbx);
        asm.ret();
        var ms = new MemoryStream();
        asm.Assemble(new StreamCodeWriter(ms), (ulong)hostCode);
        var code = ms.ToArray();
        Marshal.Copy(code, 0, (nint)hostCode, code.Length);
        PrepareArea(new Span<byte>(hostData, AreaSize), input, cw, rflags);
        ((delegate* unmanaged<void>)hostCode)();
        var st = new State();
        byte* save = hostData + OutSave;
        st.Cw = *(ushort*)save;
        st.Sw = *(ushort*)(save + 4);
        st.Tw = *(ushort*)(save + 8);
        for (int k = 0; k < 8; k++) st.St[k] = new Float80(*(ulong*)(save + 28 + 10 * k), *(ushort*)(save + 36 + 10 * k));
        st.Flags = *(ulong*)(hostData + OutFlags);
        new Span<byte>(hostData + Out, OutSize).CopyTo(st.Out);
        return st;
    }

    static void PrepareArea(Span<byte> area, byte[] input, ushort cw, ulong rflags)
    {
        area.Clear();
        input.CopyTo(area);
        BitConverter.TryWriteBytes(area[InCw..], cw);
        BitConverter.TryWriteBytes(area[InFlags..], rflags | 2);
    }

    static Cpu? cpu;

    /// <summary>Runs the snippet in the interpreter.</summary>
    public static State RunInterp(Action<Assembler> body, byte[] input, ushort cw, ulong rflags)
    {
        EnsureGuestMapped();
        const ulong codeAt = GuestCode.CodeAddress;
        byte[] code = Assemble(body, codeAt);
        var area = new byte[AreaSize];
        PrepareArea(area, input, cw, rflags);
        GuestMemory.WriteBytes(Data, area);
        cpu ??= new Cpu(new GuestProcess(new RunOptions { Tier = Tier.Interp }));
        CpuState* s = cpu.S;
        s->Gpr[3] = Data;
        Flags.Set(s, rflags);
        X87S.Init(&s->Fpu);
        s->Fpu.Control = (ushort)((cw & 0x1F7F) | 0x40);
        var dec = Decoder.Create(64, new ByteArrayCodeReader(code));
        dec.IP = codeAt;
        while (dec.IP < codeAt + (ulong)code.Length)
        {
            dec.Decode(out var ins);
            s->Rip = ins.NextIP;
            HandlerTable.ByCode[(int)ins.Code](cpu, in ins);
        }
        var st = new State();
        X87State* f = &s->Fpu;
        st.Cw = f->Control;
        st.Sw = X87S.StatusWord(f);
        st.Tw = X87S.TagWord(f);
        for (int k = 0; k < 8; k++) st.St[k] = X87S.Get(f, k);
        st.Flags = Flags.Get(s);
        GuestMemory.ReadBytes(Data + Out, st.Out);
        return st;
    }
}
