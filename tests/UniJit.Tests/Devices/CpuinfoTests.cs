using System.Security.Cryptography;
using System.Text;
using UniJit.Tests.Support;

namespace UniJit.Tests.Devices;

/// <summary>
/// /proc/cpuinfo under UniJit agrees with the guest's CPUID: cpuinfo_flags.c executes CPUID and names
/// the set bits with a table of Linux's flag names, then prints the flags line of /proc/cpuinfo.
/// Natively the host kernel checks the table (no name it prints belongs to a bit CPUID lacks);
/// under UniJit the two lists must be the same set.
/// </summary>
public class CpuinfoTests
{
    static readonly Lazy<string> binary = new(() =>
    {
        string src = Path.Combine(TestPaths.Repo, "tests", "UniJit.Tests", "Devices", "cpuinfo_flags.c");
        string hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(src)))[..16];
        string dir = Path.Combine(TestPaths.Cache, "devices");
        Directory.CreateDirectory(dir);
        string bin = Path.Combine(dir, $"cpuinfo_flags-{hash}");
        if (File.Exists(bin)) return bin;
        var r = ProcessRunner.Run("gcc", ["-O2", "-o", bin + ".tmp", src]);
        if (r.ExitCode != 0) throw new InvalidOperationException("gcc cpuinfo_flags.c failed: " + r.StderrText);
        File.Move(bin + ".tmp", bin, overwrite: true);
        return bin;
    });

    static Dictionary<string, HashSet<string>> Parse(ProcessResult r)
    {
        Assert.True(r.ExitCode == 0, $"cpuinfo_flags failed ({r.ExitCode}): {r.StderrText}");
        return r.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0], p => p[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet());
    }

    [Fact]
    public void NativeKernelAgreesWithTheNameTable()
    {
        var n = Parse(ProcessRunner.Run(binary.Value, [], env: ProcessRunner.FixedEnvironment));
        Assert.Contains("fpu", n["cpuid"]);
        foreach (var name in n["table"].Where(n["cpuinfo"].Contains))
            Assert.True(n["cpuid"].Contains(name), $"the host kernel shows '{name}' but the table's CPUID bit for it is clear: the table is wrong");
    }

    [Theory, InlineData("interp"), InlineData("jit")]
    public void FlagsLineIsExactlyWhatCpuidAdvertises(string tier)
    {
        var g = Parse(ProcessRunner.Run(TestPaths.Unijit, [$"--tier={tier}", binary.Value], env: ProcessRunner.FixedEnvironment,
            timeout: TimeSpan.FromSeconds(120)));
        Assert.Contains("sse2", g["cpuid"]);
        Assert.Equal(g["cpuid"].Order(), g["cpuinfo"].Order());
    }
}
