using System.Text;
using Iced.Intel;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Interpreter;
using UniJit.Runtime.Memory;
using UniJit.Runtime.Semantics;
using UniJit.Runtime.State;
using UniJit.Tests.Support;

namespace UniJit.Tests.Semantics.Sse;

/// <summary>Adjusts a case's random initial state.</summary>
public unsafe delegate void Tweak(Random r, MachineState* m, byte[] data);

/// <summary>Adjusts the native result where UniJit deliberately differs from this host, or where a
/// field cannot match (documented per use); runs after both sides, before the comparison.</summary>
public unsafe delegate void NativeFixup(MachineState* m, byte* nativeData, byte* guestData);

/// <summary>How a case's XMM lanes are filled.</summary>
public enum Lanes { Mixed, F32, F64, Int, Str, Bytes }

/// <summary>
/// Differential testing against the real CPU: each case starts the native runner and the
/// interpreter from the same random state (GPRs, flags, MXCSR, XMM0-15, scratch data at the same
/// address) and compares everything afterwards. Inputs are seeded, so failures reproduce.
/// </summary>
public static unsafe class SseDiff
{
    /// <summary>Scratch data both sides see: [DataAddr, DataAddr + Used).</summary>
    public const int Used = 0x3400;
    const ulong Data = NativeRunner.DataAddr;
    static bool guestMapped;
    static Cpu? cpu;

    static Cpu GuestCpu()
    {
        if (!guestMapped)
        {
            long r = AddressSpace.Map(GuestCode.DataAddress, GuestCode.DataSize, Native.PROT_READ | Native.PROT_WRITE,
                Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_FIXED, -1, 0);
            if (r < 0) throw new InvalidOperationException($"guest map failed {r}");
            guestMapped = true;
        }
        return cpu ??= new Cpu(new GuestProcess(new RunOptions()));
    }

    /// <summary>Runs <paramref name="cases"/> random cases of <paramref name="body"/>; returns the number run.
    /// <paramref name="tweak"/> may adjust the initial state (after randomization).</summary>
    public static int Check(string name, Action<Assembler> body, int cases, Lanes lanes = Lanes.Mixed, int seed = 0,
        Tweak? tweak = null, bool fninit = false, bool randomMxcsr = true, NativeFixup? fixup = null)
    {
        // Decode the snippet once for the interpreter.
        var asm = new Assembler(64);
        body(asm);
        var ms = new MemoryStream();
        asm.Assemble(new StreamCodeWriter(ms), GuestCode.CodeAddress);
        var code = ms.ToArray();
        var dec = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(code));
        dec.IP = GuestCode.CodeAddress;
        var insns = new List<Instruction>();
        while (dec.IP < GuestCode.CodeAddress + (ulong)code.Length) insns.Add(dec.Decode());
        foreach (var ins in insns)
            if (!HandlerTable.IsImplemented(ins.Code)) throw new Xunit.Sdk.XunitException($"{name}: {ins} ({ins.Code}) has no handler");
        NativeRunner.Prepare(body, fninit);

        // The IL tier runs the same snippet as one translated region, ended by ud2 (its SIGILL stops
        // the run with the region's state stored); the data mapping below is the same guest memory.
        var jitAsm = new Assembler(64);
        body(jitAsm);
        jitAsm.ud2();
        var jitStream = new MemoryStream();
        jitAsm.Assemble(new StreamCodeWriter(jitStream), GuestCode.CodeAddress);
        var jit = GuestCode.Load(jitStream.ToArray(), Tier.Jit);
        var jcpu = new Cpu(jit);
        ulong ud2At = GuestCode.CodeAddress + (ulong)code.Length;

        var c = GuestCpu();
        var rng = new Random(seed != 0 ? seed : name.GetHashCode() & 0x7FFFFFFF ^ StableHash(name));
        var failures = new StringBuilder();
        int failed = 0;
        var start = new MachineState();
        var initData = new byte[Used];
        var native = NativeRunner.State;
        for (int n = 0; n < cases; n++)
        {
            Randomize(rng, &start, lanes, randomMxcsr);
            FillData(rng, initData, lanes);
            tweak?.Invoke(rng, &start, initData);

            // Native.
            *native = start;
            initData.CopyTo(new Span<byte>(NativeRunner.Data, Used));
            NativeRunner.Run();

            // Interpreter.
            var s = c.S;
            for (int r = 0; r < 16; r++) s->Gpr[r] = start.Gpr[r];
            s->Gpr[4] = GuestCode.StackTop - 64;
            Flags.Set(s, start.Rflags);
            s->Mxcsr = start.Mxcsr;
            for (int b = 0; b < 256; b++) s->Xmm[b] = start.Xmm[b];
            s->Fpu = default;
            s->Fpu.Control = 0x37F; s->Fpu.Tag = 0xFFFF;
            GuestMemory.WriteBytes(GuestCode.DataAddress, initData);
            string? error = null;
            try
            {
                foreach (var ins in insns)
                {
                    s->Rip = ins.NextIP;
                    HandlerTable.ByCode[(int)ins.Code](c, in ins);
                }
            }
            catch (Exception e) { error = $"interpreter threw {e.GetType().Name}: {e.Message}"; }

            var rawNative = *native;
            fixup?.Invoke(native, NativeRunner.Data, GuestMemory.Host(GuestCode.DataAddress));
            error ??= Compare(native, s, insns);
            if (error == null) error = RunJit(jit, jcpu, &start, initData, ud2At, &rawNative, fixup, insns);
            if (error != null)
            {
                if (failed++ < 5) failures.Append($"case {n}: {error}\n  start: {Dump(&start)}\n");
            }
        }
        if (failed > 0) throw new Xunit.Sdk.XunitException($"{name}: {failed}/{cases} cases differ from the CPU\n{failures}");
        return cases;
    }

    /// <summary>Runs the case in the IL tier and compares it with the CPU (null if equal).</summary>
    static string? RunJit(GuestProcess jit, Cpu jcpu, MachineState* start, byte[] initData, ulong ud2At,
        MachineState* rawNative, NativeFixup? fixup, List<Instruction> insns)
    {
        var s = jcpu.S;
        for (int r = 0; r < 16; r++) s->Gpr[r] = start->Gpr[r];
        s->Gpr[4] = GuestCode.StackTop - 64;
        Flags.Set(s, start->Rflags);
        s->Mxcsr = start->Mxcsr;
        for (int b = 0; b < 256; b++) s->Xmm[b] = start->Xmm[b];
        s->Fpu = default;
        s->Fpu.Control = 0x37F; s->Fpu.Tag = 0xFFFF;
        s->Rip = GuestCode.CodeAddress;
        GuestMemory.WriteBytes(GuestCode.DataAddress, initData);
        ulong translated = s->InstructionCount;
        var outcome = jit.Run(jcpu);
        if (outcome.Signal != Signals.SIGILL || s->Rip != ud2At)
            return $"jit tier: ended by signal {outcome.Signal} at {s->Rip:x} (expected SIGILL at the appended ud2 {ud2At:x})";
        if (jit.CompileFailures != 0 || s->InstructionCount == translated)
            return "jit tier: the snippet did not run as translated code";
        var n = *rawNative;
        fixup?.Invoke(&n, NativeRunner.Data, GuestMemory.Host(GuestCode.DataAddress));
        var e = Compare(&n, s, insns);
        return e == null ? null : "jit tier: " + e;
    }

    static int StableHash(string s) { int h = 17; foreach (char ch in s) h = h * 31 + ch; return h; }

    static string? Compare(MachineState* n, CpuState* s, List<Instruction> insns)
    {
        var sb = new StringBuilder();
        for (int r = 0; r < 16; r++)
            if (r != 4 && n->Gpr[r] != s->Gpr[r]) sb.Append($" gpr{r}: cpu {n->Gpr[r]:x16} interp {s->Gpr[r]:x16};");
        ulong nf = n->Rflags & Flags.Arith, gf = Flags.Get(s) & Flags.Arith;
        if (nf != gf) sb.Append($" flags: cpu {nf:x} interp {gf:x};");
        if (n->Mxcsr != s->Mxcsr) sb.Append($" mxcsr: cpu {n->Mxcsr:x} interp {s->Mxcsr:x};");
        for (int x = 0; x < 16; x++)
        {
            ulong nl = *(ulong*)(n->Xmm + 16 * x), nh = *(ulong*)(n->Xmm + 16 * x + 8);
            ulong gl = *(ulong*)(s->Xmm + 16 * x), gh = *(ulong*)(s->Xmm + 16 * x + 8);
            if (nl != gl || nh != gh) sb.Append($" xmm{x}: cpu {nh:x16}_{nl:x16} interp {gh:x16}_{gl:x16};");
        }
        byte* nd = NativeRunner.Data, gd = GuestMemory.Host(GuestCode.DataAddress);
        var ns = new ReadOnlySpan<byte>(nd, Used);
        var gs = new ReadOnlySpan<byte>(gd, Used);
        if (!ns.SequenceEqual(gs))
        {
            int k = ns.CommonPrefixLength(gs);
            sb.Append($" data+{k:x}: cpu {nd[k]:x2} interp {gd[k]:x2} (first difference);");
        }
        if (sb.Length == 0) return null;
        return string.Join("; ", insns.Select(i => i.ToString())) + ":" + sb;
    }

    static string Dump(MachineState* m)
    {
        var sb = new StringBuilder();
        sb.Append($"mxcsr={m->Mxcsr:x} rflags={m->Rflags:x} rax={m->Gpr[0]:x} rcx={m->Gpr[1]:x} rdx={m->Gpr[2]:x}");
        for (int x = 0; x < 4; x++)
            sb.Append($" xmm{x}={*(ulong*)(m->Xmm + 16 * x + 8):x16}_{*(ulong*)(m->Xmm + 16 * x):x16}");
        return sb.ToString();
    }

    // ---- inputs ----

    static readonly uint[] f32Special =
    [
        0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x3F000000, 0x3FC00000, 0x40200000, 0xC0200000,
        0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7FC12345, 0x7F800001, 0x7FA00000, 0xFF812345,
        0x00000001, 0x807FFFFF, 0x00400000, 0x7F7FFFFF, 0xFF7FFFFF, 0x00800000, 0x4F000000, 0xCF000000,
        0x4EFFFFFF, 0xCF000001, 0x501502F9, 0x40400000, 0x3EAAAAAB, 0x4B800001, 0x5F000000, 0xDF000000,
        0x3F000001, 0xBF400000, 0x4B000000, 0x4B7FFFFF,
    ];

    static readonly ulong[] f64Special =
    [
        0, 0x8000000000000000, 0x3FF0000000000000, 0xBFF0000000000000, 0x3FE0000000000000, 0x3FF8000000000000,
        0x4004000000000000, 0xC004000000000000, 0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000,
        0xFFF8000000000000, 0x7FF8000000012345, 0x7FF0000000000001, 0x7FF4000000000000, 0xFFF0000000012345,
        0x0000000000000001, 0x800FFFFFFFFFFFFF, 0x0008000000000000, 0x7FEFFFFFFFFFFFFF, 0xFFEFFFFFFFFFFFFF,
        0x0010000000000000, 0x41E0000000000000, 0xC1E0000000000000, 0x41DFFFFFFFC00000, 0xC1E0000000200000,
        0x43E0000000000000, 0xC3E0000000000000, 0x43DFFFFFFFFFFFFF, 0x4008000000000000, 0x3FD5555555555555,
        0x36A0000000000000, 0x47EFFFFFE0000000, 0x47F0000000000000, 0x3810000000000000, 0x3800000000000000,
        0x4330000000000000, 0x4330000000000001, 0x3FE0000000000001, 0x41DFFFFFFFE00000,
    ];

    static readonly ulong[] intSpecial =
    [
        0, 1, 0xFFFFFFFFFFFFFFFF, 0x8000000000000000, 0x7FFFFFFFFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0xFFFFFFFF,
        0x8000, 0x7FFF, 0xFFFF, 0x80, 0x7F, 0xFF, 0x8080808080808080, 0x7F7F7F7F7F7F7F7F, 0x0101010101010101,
        0x8000800080008000, 0x7FFF7FFF7FFF7FFF, 0x8000000080000000, 0x7FFFFFFF7FFFFFFF, 0x10, 0x20, 0x3F, 0x40, 0x41,
    ];

    static uint RandF32(Random r)
    {
        if (r.Next(3) == 0) return f32Special[r.Next(f32Special.Length)];
        uint sign = (uint)r.Next(2) << 31;
        uint exp = (uint)(127 + r.Next(-40, 41));
        if (r.Next(8) == 0) exp = (uint)r.Next(256);
        uint mant = (uint)r.Next(1 << 23);
        if (r.Next(4) == 0) mant &= 0x7FF000; // few significant bits: exact results happen
        return sign | exp << 23 | mant;
    }

    static ulong RandF64(Random r)
    {
        if (r.Next(3) == 0) return f64Special[r.Next(f64Special.Length)];
        ulong sign = (ulong)r.Next(2) << 63;
        ulong exp = (ulong)(1023 + r.Next(-70, 71));
        if (r.Next(8) == 0) exp = (ulong)r.Next(2048);
        ulong mant = (ulong)r.NextInt64(1L << 52);
        if (r.Next(4) == 0) mant &= 0xFFFFF00000000;
        return sign | exp << 52 | mant;
    }

    static ulong RandInt(Random r)
    {
        int k = r.Next(6);
        if (k == 0) return intSpecial[r.Next(intSpecial.Length)];
        if (k == 1) return (ulong)r.Next(-40, 40);
        if (k == 2) // mixed special bytes
        {
            ulong v = 0;
            for (int b = 0; b < 8; b++) v |= (ulong)(r.Next(3) switch { 0 => (byte)r.Next(256), 1 => (byte)0, _ => (byte)(0x80 - r.Next(3)) }) << (8 * b);
            return v;
        }
        return (ulong)r.NextInt64() ^ ((ulong)r.Next(2) << 63);
    }

    /// <summary>Text-like bytes: letters from a small alphabet with occasional NULs (for string compares).</summary>
    static byte RandChar(Random r) => r.Next(20) == 0 ? (byte)0 : r.Next(8) == 0 ? (byte)r.Next(256) : (byte)"abcdeAB0-"[r.Next(9)];

    static void FillLanes(Random r, byte* p, int bytes, Lanes lanes)
    {
        Lanes l = lanes == Lanes.Mixed ? (Lanes)r.Next(1, 6) : lanes;
        for (int o = 0; o < bytes; o += 8)
        {
            ulong v = l switch
            {
                Lanes.F32 => RandF32(r) | (ulong)RandF32(r) << 32,
                Lanes.F64 => RandF64(r),
                Lanes.Int => RandInt(r),
                Lanes.Str => Str8(r),
                _ => (ulong)r.NextInt64() ^ ((ulong)r.Next(2) << 63),
            };
            *(ulong*)(p + o) = v;
        }
    }

    static ulong Str8(Random r) { ulong v = 0; for (int b = 0; b < 8; b++) v |= (ulong)RandChar(r) << (8 * b); return v; }

    internal static void Randomize(Random r, MachineState* m, Lanes lanes, bool randomMxcsr)
    {
        for (int x = 0; x < 16; x++) FillLanes(r, m->Xmm + 16 * x, 16, lanes);
        // Sometimes make two registers share a lane pattern so equal/ordered compares happen.
        if (r.Next(4) == 0) { int a = r.Next(16), b = r.Next(16); *(ulong*)(m->Xmm + 16 * a) = *(ulong*)(m->Xmm + 16 * b); }
        for (int g = 0; g < 16; g++) m->Gpr[g] = RandInt(r);
        m->Gpr[6] = NativeRunner.DataAddr + 0x1000;                       // rsi: 16-aligned data
        m->Gpr[7] = NativeRunner.DataAddr + 0x2000 + (ulong)r.Next(16);   // rdi: unaligned data
        m->Gpr[3] = NativeRunner.DataAddr + 0x3000;                       // rbx: 16-aligned data
        m->Rflags = 0x202 | ((ulong)r.Next(1 << 12) & Flags.Arith);
        uint mx = SseMxcsr.Default;
        if (randomMxcsr)
        {
            if (r.Next(3) == 0) mx |= (uint)r.Next(4) << 13;          // rounding control
            if (r.Next(8) == 0) mx |= SseMxcsr.Ftz;
            if (r.Next(8) == 0) mx |= SseMxcsr.Daz;
            // Sticky flags already set; PE often, as in a program past its first inexact result (the
            // IL tier's fast paths need it).
            if (r.Next(2) == 0) mx |= (uint)r.Next(64) | (r.Next(2) == 0 ? SseMxcsr.PE : 0);
        }
        m->Mxcsr = mx;
    }

    internal static void FillData(Random r, byte[] data, Lanes lanes)
    {
        // Only the windows the snippets address (rsi, rdi, rbx); the rest stays zero on both sides
        // (tests that need more, such as fxrstor images, fill it in their tweak).
        fixed (byte* p = data)
        {
            FillLanes(r, p + 0x1000, 0x80, lanes);
            FillLanes(r, p + 0x2000, 0x80, lanes);
            FillLanes(r, p + 0x3000, 0x80, lanes);
        }
    }
}
