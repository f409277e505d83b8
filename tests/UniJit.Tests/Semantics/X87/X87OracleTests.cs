using Iced.Intel;
using UniJit.Runtime.Semantics;
using Xunit.Abstractions;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.Semantics.X87;

/// <summary>
/// Every x87 operation, run natively and in the interpreter on seeded random inputs of every value
/// class, under all precision/rounding settings; registers, tags, status word, RFLAGS and stored
/// memory must match bit for bit. Inputs: slot k is 16 bytes at [rbx + 16k].
/// </summary>
[Collection("Guest")]
public sealed class X87OracleTests(ITestOutputHelper output)
{
    /// <summary>One operation under test.</summary>
    public sealed record Op(string Name, Action<Assembler> Body, Action<X87Values, byte[]> Inputs,
        bool Flags = false, int Cases = 1500, (int From, int To)[]? Ignore = null, bool RandomFlags = false, bool Ulp = false, bool Unmask = false);

    static AssemblerMemoryOperand In(int k) => __[rbx + 16 * k];
    static AssemblerMemoryOperand Res(int k) => __[rbx + 0x100 + 16 * k];

    static void Put(byte[] b, int k, Float80 v)
    {
        BitConverter.TryWriteBytes(b.AsSpan(16 * k), v.Mant);
        BitConverter.TryWriteBytes(b.AsSpan(16 * k + 8), v.SignExp);
    }

    static void Put(byte[] b, int k, ulong v) => BitConverter.TryWriteBytes(b.AsSpan(16 * k), v);

    /// <summary>Two 80-bit inputs, the second often close to the first.</summary>
    static void Two(X87Values g, byte[] b)
    {
        var a = g.F80();
        Put(b, 0, a);
        Put(b, 1, g.Rng.Next(3) == 0 ? g.Near(a) : g.F80());
    }

    static void One(X87Values g, byte[] b) => Put(b, 0, g.F80());
    static void None(X87Values g, byte[] b) { }

    /// <summary>ST(0) = in0, ST(1) = in1.</summary>
    static void Load2(Assembler a) { a.fld(__tword_ptr[rbx + 16]); a.fld(__tword_ptr[rbx]); }
    static void Load1(Assembler a) => a.fld(__tword_ptr[rbx]);

    // Single-instruction snippets also run with IE/DE/ZE/PE unmasked half of the time (see RunNative).
    static Op Reg2(string name, Action<Assembler> op) => new(name, a => { Load2(a); op(a); }, Two) { Unmask = true };
    static Op Un(string name, Action<Assembler> op) => new(name, a => { Load1(a); op(a); }, One) { Unmask = true };

    /// <summary>ST(0) = in0, and a memory operand in slot 1 of the given kind.</summary>
    static Op Mem(string name, Action<Assembler> op, Func<X87Values, ulong> mem) =>
        new(name, a => { Load1(a); op(a); }, (g, b) => { Put(b, 0, g.F80()); Put(b, 1, mem(g)); }) { Unmask = true };

    static ulong I16(X87Values g) => (ulong)(ushort)g.Rng.Next(-40000, 40000);
    static ulong I32(X87Values g) => g.Rng.Next(2) == 0 ? (uint)g.Rng.Next(-100000, 100000) : (uint)g.Rng.NextInt64();
    static ulong I64(X87Values g) => g.Rng.Next(2) == 0 ? (ulong)g.Rng.Next() : (ulong)g.Rng.NextInt64() * 3;

    public static readonly Op[] Ops = BuildOps();

    static Op[] BuildOps()
    {
        var ops = new List<Op>
        {
            // Basic arithmetic, every register form.
            Reg2("fadd st0,st1", a => a.fadd(st0, st1)),
            Reg2("fadd st1,st0", a => a.fadd(st1, st0)),
            Reg2("faddp", a => a.faddp(st1, st0)),
            Reg2("fsub st0,st1", a => a.fsub(st0, st1)),
            Reg2("fsub st1,st0", a => a.fsub(st1, st0)),
            Reg2("fsubp", a => a.fsubp(st1, st0)),
            Reg2("fsubr st0,st1", a => a.fsubr(st0, st1)),
            Reg2("fsubr st1,st0", a => a.fsubr(st1, st0)),
            Reg2("fsubrp", a => a.fsubrp(st1, st0)),
            Reg2("fmul st0,st1", a => a.fmul(st0, st1)),
            Reg2("fmul st1,st0", a => a.fmul(st1, st0)),
            Reg2("fmulp", a => a.fmulp(st1, st0)),
            Reg2("fdiv st0,st1", a => a.fdiv(st0, st1)),
            Reg2("fdiv st1,st0", a => a.fdiv(st1, st0)),
            Reg2("fdivp", a => a.fdivp(st1, st0)),
            Reg2("fdivr st0,st1", a => a.fdivr(st0, st1)),
            Reg2("fdivr st1,st0", a => a.fdivr(st1, st0)),
            Reg2("fdivrp", a => a.fdivrp(st1, st0)),
            // Memory forms.
            Mem("fadd m32", a => a.fadd(__dword_ptr[rbx + 16]), g => g.F32()),
            Mem("fsub m64", a => a.fsub(__qword_ptr[rbx + 16]), g => g.F64()),
            Mem("fsubr m32", a => a.fsubr(__dword_ptr[rbx + 16]), g => g.F32()),
            Mem("fmul m64", a => a.fmul(__qword_ptr[rbx + 16]), g => g.F64()),
            Mem("fdiv m32", a => a.fdiv(__dword_ptr[rbx + 16]), g => g.F32()),
            Mem("fdivr m64", a => a.fdivr(__qword_ptr[rbx + 16]), g => g.F64()),
            Mem("fiadd m16", a => a.fiadd(__word_ptr[rbx + 16]), I16),
            Mem("fisub m32", a => a.fisub(__dword_ptr[rbx + 16]), I32),
            Mem("fisubr m16", a => a.fisubr(__word_ptr[rbx + 16]), I16),
            Mem("fimul m32", a => a.fimul(__dword_ptr[rbx + 16]), I32),
            Mem("fidiv m16", a => a.fidiv(__word_ptr[rbx + 16]), I16),
            Mem("fidivr m32", a => a.fidivr(__dword_ptr[rbx + 16]), I32),
            // One-operand.
            Un("fsqrt", a => a.fsqrt()),
            Un("fchs", a => a.fchs()),
            Un("fabs", a => a.fabs()),
            Un("frndint", a => a.frndint()),
            Un("fxtract", a => a.fxtract()),
            Un("ftst", a => a.ftst()),
            Un("fxam", a => a.fxam()),
            Reg2("fscale", a => a.fscale()),
            Reg2("fprem", a => a.fprem()),
            Reg2("fprem1", a => a.fprem1()),
            // Comparisons.
            Reg2("fcom", a => a.fcom(st0, st1)),
            Reg2("fcomp", a => a.fcomp(st0, st1)),
            Reg2("fcompp", a => a.fcompp()),
            Reg2("fucom", a => a.fucom(st0, st1)),
            Reg2("fucomp", a => a.fucomp(st0, st1)),
            Reg2("fucompp", a => a.fucompp()),
            Reg2("fcomi", a => a.fcomi(st0, st1)) with { Flags = true },
            Reg2("fcomip", a => a.fcomip(st0, st1)) with { Flags = true },
            Reg2("fucomi", a => a.fucomi(st0, st1)) with { Flags = true },
            Reg2("fucomip", a => a.fucomip(st0, st1)) with { Flags = true },
            Mem("fcom m32", a => a.fcom(__dword_ptr[rbx + 16]), g => g.F32()),
            Mem("fcomp m64", a => a.fcomp(__qword_ptr[rbx + 16]), g => g.F64()),
            Mem("ficom m16", a => a.ficom(__word_ptr[rbx + 16]), I16),
            Mem("ficomp m32", a => a.ficomp(__dword_ptr[rbx + 16]), I32),
            Reg2("fnstsw ax", a => { a.fcom(st0, st1); a.fnstsw(ax); a.mov(__word_ptr[rbx + 0x100], ax); }),
            Reg2("fucom sahf", a => { a.fucom(st0, st1); a.fnstsw(ax); a.sahf(); a.seta(__byte_ptr[rbx + 0x100]); a.setp(__byte_ptr[rbx + 0x101]); a.setb(__byte_ptr[rbx + 0x102]); }),
            // Loads.
            new("fld m32", a => a.fld(__dword_ptr[rbx]), (g, b) => Put(b, 0, g.F32())) { Unmask = true },
            new("fld m64", a => a.fld(__qword_ptr[rbx]), (g, b) => Put(b, 0, g.F64())) { Unmask = true },
            new("fild m16", a => a.fild(__word_ptr[rbx]), (g, b) => Put(b, 0, I16(g))),
            new("fild m32", a => a.fild(__dword_ptr[rbx]), (g, b) => Put(b, 0, I32(g))),
            new("fild m64", a => a.fild(__qword_ptr[rbx]), (g, b) => Put(b, 0, I64(g))),
            new("fbld", a => a.fbld(__tword_ptr[rbx]), (g, b) => { Put(b, 0, BcdDigits(g)); b[8] = (byte)(g.Rng.Next(10) | g.Rng.Next(10) << 4); b[9] = (byte)(g.Rng.Next(2) << 7); }),
            new("fld st1", a => { Load2(a); a.fld(st1); }, Two),
            // Stores.
            Un("fst m32", a => a.fst(__dword_ptr[rbx + 0x100])),
            Un("fstp m64", a => a.fstp(__qword_ptr[rbx + 0x100])),
            Un("fst m64", a => a.fst(__qword_ptr[rbx + 0x100])),
            Un("fstp m80", a => a.fstp(__tword_ptr[rbx + 0x100])),
            Un("fist m16", a => a.fist(__word_ptr[rbx + 0x100])),
            Un("fist m32", a => a.fist(__dword_ptr[rbx + 0x100])),
            Un("fistp m64", a => a.fistp(__qword_ptr[rbx + 0x100])),
            Un("fisttp m16", a => a.fisttp(__word_ptr[rbx + 0x100])),
            Un("fisttp m32", a => a.fisttp(__dword_ptr[rbx + 0x100])),
            Un("fisttp m64", a => a.fisttp(__qword_ptr[rbx + 0x100])),
            Un("fbstp", a => a.fbstp(__tword_ptr[rbx + 0x100])),
            Reg2("fst st1", a => a.fst(st1)),
            Reg2("fstp st1", a => a.fstp(st1)),
            Reg2("fstp st0", a => a.fstp(st0)),
            // Constants.
            new("fldpi", a => a.fldpi(), None) { Cases = 64 },
            new("fldl2e", a => a.fldl2e(), None) { Cases = 64 },
            new("fldl2t", a => a.fldl2t(), None) { Cases = 64 },
            new("fldlg2", a => a.fldlg2(), None) { Cases = 64 },
            new("fldln2", a => a.fldln2(), None) { Cases = 64 },
            new("fldz fld1", a => { a.fldz(); a.fld1(); }, None) { Cases = 16 },
            // Stack handling.
            Reg2("fxch", a => a.fxch(st0, st1)),
            Reg2("ffree", a => { a.ffree(st1); a.fincstp(); a.fdecstp(); a.fdecstp(); }),
            new("overflow", a => { for (int k = 0; k < 9; k++) a.fld(__tword_ptr[rbx]); a.fadd(st0, st1); }, One) { Cases = 200 },
            new("underflow", a => { Load1(a); a.fadd(st0, st2); a.fstp(st0); a.fstp(st0); a.fchs(); a.fst(__qword_ptr[rbx + 0x100]); }, One) { Cases = 200 },
            new("underflow cmp", a => { Load1(a); a.fcom(st0, st2); a.fxch(st0, st3); a.fxam(); }, One) { Cases = 200 },
            new("fcmovcc", a =>
            {
                Load2(a);
                a.fcmovb(st0, st1); a.fcmove(st0, st2); a.fcmovbe(st0, st1); a.fcmovu(st0, st2);
                a.fcmovnb(st0, st1); a.fcmovne(st0, st2); a.fcmovnbe(st0, st1); a.fcmovnu(st0, st2);
            }, Two) { RandomFlags = true, Cases = 400 },
            // Control and environment (FIP/FOP/FDP bytes are CPU history, not compared).
            new("fnstenv", a => { Load2(a); a.fnstenv(__[rbx + 0x100]); a.fnstcw(__word_ptr[rbx + 0x120]); },
                Two) { Cases = 200, Ignore = [(12, 28)] },
            new("fnsave frstor", a => { Load2(a); a.fdiv(st0, st1); a.fnsave(__[rbx + 0x100]); a.fld1(); a.frstor(__[rbx + 0x100]); },
                Two) { Cases = 200, Ignore = [(12, 28)] },
            new("fldenv", a => { Load2(a); a.fnstenv(__[rbx + 0x100]); a.fninit(); a.fldenv(__[rbx + 0x100]); a.fnclex(); },
                Two) { Cases = 100, Ignore = [(12, 28)] },
            // Transcendentals, with inputs mostly inside each instruction's domain.
            new("f2xm1", a => { Load1(a); a.f2xm1(); }, (g, b) => Put(b, 0, g.Rng.Next(8) == 0 ? InDomain(g, 0) : g.Ranged(-70, -1, 0.02))) { Ulp = true },
            new("fyl2x", a => { Load2(a); a.fyl2x(); }, (g, b) => { Put(b, 0, g.Rng.Next(8) == 0 ? g.F80() : g.Ranged(-80, 80, 0.1).Abs()); Put(b, 1, g.F80(30)); }) { Ulp = true },
            new("fyl2xp1", a => { Load2(a); a.fyl2xp1(); }, (g, b) => { Put(b, 0, g.Rng.Next(8) == 0 ? InDomain(g, -2) : g.Ranged(-70, -3, 0)); Put(b, 1, g.F80(30)); }) { Ulp = true },
            new("fpatan", a => { Load2(a); a.fpatan(); }, (g, b) => { Put(b, 0, g.F80(40)); Put(b, 1, g.F80(40)); }) { Ulp = true },
            new("fsin", a => { Load1(a); a.fsin(); }, (g, b) => Put(b, 0, g.Rng.Next(8) == 0 ? g.F80() : g.Ranged(-70, 66, 0.02))) { Ulp = true },
            new("fcos", a => { Load1(a); a.fcos(); }, (g, b) => Put(b, 0, g.Rng.Next(8) == 0 ? g.F80() : g.Ranged(-70, 66, 0.02))) { Ulp = true },
            new("fptan", a => { Load1(a); a.fptan(); }, (g, b) => Put(b, 0, g.Rng.Next(8) == 0 ? g.F80() : g.Ranged(-70, 66, 0.02))) { Ulp = true },
            new("fsincos", a => { Load1(a); a.fsincos(); }, (g, b) => Put(b, 0, g.Rng.Next(8) == 0 ? g.F80() : g.Ranged(-70, 66, 0.02))) { Ulp = true },
            new("trig small", a => { Load1(a); a.fsincos(); a.fld(__tword_ptr[rbx]); a.fptan(); }, (g, b) => Put(b, 0, g.Ranged(-3, 4, 0))) { Ulp = true },
            new("trig overflow", a => { for (int k = 0; k < 8; k++) a.fld(__tword_ptr[rbx]); a.fptan(); a.fsincos(); }, One) { Cases = 50 },
        };
        return ops.ToArray();
    }

    /// <summary>An edge-case input inside a transcendental's domain: |x| below 2^maxExp (or ±1 for
    /// maxExp 0), zeros, denormals, NaNs, unsupported encodings.</summary>
    static Float80 InDomain(X87Values g, int maxExp)
    {
        while (true)
        {
            var v = g.F80();
            if (v.IsNaN || v.IsZero || v.IsDenormal || v.IsUnsupported) return v;
            if (v.Exp < 16383 + maxExp || (maxExp == 0 && v.Exp == 16383 && v.Mant == 1UL << 63)) return v;
        }
    }

    static ulong BcdDigits(X87Values g)
    {
        ulong v = 0;
        for (int k = 0; k < 16; k++) v |= (ulong)g.Rng.Next(10) << (4 * k);
        return v;
    }

    public static IEnumerable<object[]> OpNames() => Ops.Where(o => o.Cases > 0).Select(o => new object[] { o.Name });

    [Theory]
    [MemberData(nameof(OpNames))]
    public void MatchesNative(string name) => Check(Ops.Single(o => o.Name == name));

    internal void Check(Op op, int seed = 0x87)
    {
        var g = new X87Values(seed + op.Name.Sum(c => c) * 131);
        int failures = 0, inexact = 0;
        // X87_CASES=<factor> multiplies the case counts for a longer soak run (and changes the seed).
        int factor = int.TryParse(Environment.GetEnvironmentVariable("X87_CASES"), out int fct) ? fct : 1;
        if (factor > 1) g = new X87Values(seed * factor + op.Name.Sum(c => c) * 131);
        int cases = op.Cases * factor;
        for (int n = 0; n < cases; n++)
        {
            var input = new byte[0x80];
            op.Inputs(g, input);
            ushort cw = op.Unmask && g.Rng.Next(2) == 0 ? g.CwUnmasked() : g.Cw();
            ulong fl = op.RandomFlags ? g.RFlags() : 0;
            var native = X87Oracle.RunNative(op.Body, input, cw, fl);
            var interp = X87Oracle.RunInterp(op.Body, input, cw, fl);
            foreach (var (from, to) in op.Ignore ?? [])
            {
                Array.Clear(native.Out, from, to - from);
                Array.Clear(interp.Out, from, to - from);
            }
            string? d = interp.Diff(native, op.Flags);
            if (d != null && op.Ulp)
            {
                if (inexact++ < 3) output.WriteLine($"{op.Name} #{n} cw={cw:X4} in0={Convert.ToHexString(input, 0, 10)} in1={Convert.ToHexString(input, 16, 10)}: (ulp) {d}");
                d = interp.DiffUlp(native);
            }
            if (d != null)
            {
                if (failures++ < 8)
                    output.WriteLine($"{op.Name} #{n} cw={cw:X4} in0={Convert.ToHexString(input, 0, 10)} in1={Convert.ToHexString(input, 16, 10)}: interp vs native: {d}");
            }
        }
        if (op.Ulp) output.WriteLine($"{op.Name}: {inexact}/{cases} cases differ from the CPU by one ulp (or in C1 only)");
        Assert.True(failures == 0, $"{op.Name}: {failures}/{cases} cases differ from the CPU (see output)");
    }
}
