using System.Globalization;
using UniJit.Tests.Programs;
using UniJit.Tests.Support;
using Xunit.Abstractions;

namespace UniJit.Tests.Semantics.X87;

/// <summary>
/// Whole C programs using long double (programs/*.c, gcc -O2 -static), run natively and under
/// unijit in each tier; stdout and the exit code must match. Values printed with %La are compared
/// exactly except that a 64-bit significand may differ by one unit in the last place: glibc's
/// transcendental long double functions use fsin/fyl2x/f2xm1/fpatan..., which the CPU does not
/// round correctly in every case while UniJit does (see Float80Trans.cs). Every such difference
/// is reported in the test output; anything else fails.
/// </summary>
public sealed class X87ProgramTests(ITestOutputHelper output)
{
    static readonly string Dir = Path.Combine(TestPaths.Repo, "tests", "UniJit.Tests", "Semantics", "X87", "programs");

    public static IEnumerable<object[]> Cases() =>
        from f in Directory.GetFiles(Dir, "*.c").OrderBy(f => f, StringComparer.Ordinal)
        from tier in new[] { "interp", "jit" }
        select new object[] { Path.GetFileNameWithoutExtension(f), tier };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNative(string name, string tier)
    {
        var program = new CorpusProgram { Name = "x87_" + name, SourcePath = Path.Combine(Dir, name + ".c") };
        string binary = ProgramCompiler.Get(program, "static");
        var native = ProcessRunner.Run(binary, [], [], ProcessRunner.FixedEnvironment, timeout: TimeSpan.FromSeconds(20));
        var guest = ProcessRunner.Run(TestPaths.Unijit, [$"--tier={tier}", binary], [], ProcessRunner.FixedEnvironment,
            timeout: TimeSpan.FromSeconds(180));
        Assert.Equal(native.ExitCode, guest.ExitCode);
        string[] a = native.StdoutText.Split('\n'), b = guest.StdoutText.Split('\n');
        Assert.True(a.Length == b.Length, $"{a.Length} lines natively, {b.Length} under unijit");
        int ulps = 0;
        for (int k = 0; k < a.Length; k++)
        {
            if (a[k] == b[k]) continue;
            string[] ta = a[k].Split(' '), tb = b[k].Split(' ');
            Assert.True(ta.Length == tb.Length, $"line {k + 1}: native '{a[k]}' vs unijit '{b[k]}'");
            for (int t = 0; t < ta.Length; t++)
            {
                if (ta[t] == tb[t]) continue;
                Assert.True(WithinOneUlp(ta[t], tb[t]), $"line {k + 1}: native '{ta[t]}' vs unijit '{tb[t]}' in '{a[k]}'");
                ulps++;
                output.WriteLine($"line {k + 1}: one-ulp difference native {ta[t]} vs unijit {tb[t]}");
            }
        }
        output.WriteLine($"{name} ({tier}): {a.Length} lines, {ulps} values one ulp apart");
    }

    /// <summary>True for two %La long doubles ("0xd.d9b399d30ba6848p-2") whose 64-bit significands
    /// (same exponent) differ by one.</summary>
    static bool WithinOneUlp(string x, string y)
    {
        if (!TryParse(x, out bool sx, out UInt128 mx, out int ex) || !TryParse(y, out bool sy, out UInt128 my, out int ey)) return false;
        if (sx != sy || ex != ey) return false;
        return mx - my == 1 || my - mx == 1;
    }

    static bool TryParse(string s, out bool neg, out UInt128 mant, out int exp)
    {
        neg = s.StartsWith('-');
        mant = 0;
        exp = 0;
        string t = neg ? s[1..] : s;
        int p = t.IndexOf('p');
        if (!t.StartsWith("0x", StringComparison.Ordinal) || p < 0 || t.Length < 4 || t[3] != '.') return false;
        string frac = t[4..p];
        if (frac.Length > 15) return false;
        if (!UInt128.TryParse(t[2] + frac.PadRight(15, '0'), NumberStyles.HexNumber, null, out mant)) return false;
        return int.TryParse(t[(p + 1)..], NumberStyles.AllowLeadingSign, null, out exp);
    }
}
