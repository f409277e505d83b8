using System.Text;
using UniJit.Runtime.State;

namespace UniJit.Syscalls.Fs;

/// <summary>
/// /proc/cpuinfo as Linux would print it for the CPU the guest sees: every field comes from
/// <see cref="Cpuid.Query"/> (vendor, family/model/stepping, brand string, cache size, address sizes),
/// and the flags line names exactly the CPUID feature bits UniJit advertises, with the kernel's names
/// (arch/x86/include/asm/cpufeatures.h), in the kernel's word order. Without this a guest reading
/// /proc/cpuinfo (programs picking an implementation from the flags) would see the host CPU's AVX etc.
/// One block per host processor, as sysconf(_SC_NPROCESSORS_ONLN) counts them from /sys.
/// </summary>
public static class CpuInfo
{
    /// <summary>(leaf, register, names by bit): null for bits Linux does not show.</summary>
    static readonly (uint Leaf, char Reg, string?[] Names)[] Words =
    [
        (1, 'd', ["fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", null, "sep", "mtrr", "pge", "mca", "cmov",
                  "pat", "pse36", "pn", "clflush", null, "dts", "acpi", "mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe"]),
        (0x80000001, 'd', [null, null, null, null, null, null, null, null, null, null, null, "syscall", null, null, null, null,
                  null, null, null, "mp", "nx", null, "mmxext", null, null, "fxsr_opt", "pdpe1gb", "rdtscp", null, "lm", "3dnowext", "3dnow"]),
        (1, 'c', ["pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3", "cid", "sdbg", "fma", "cx16",
                  "xtpr", "pdcm", null, "pcid", "dca", "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes",
                  "xsave", null /* osxsave */, "avx", "f16c", "rdrand", "hypervisor"]),
        (0x80000001, 'c', ["lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a", "misalignsse", "3dnowprefetch",
                  "osvw", "ibs", "xop", "skinit", "wdt", null, "lwp", "fma4", "tce", null, "nodeid_msr", null, "tbm", "topoext",
                  "perfctr_core", "perfctr_nb", null, "bpext", "ptsc", "perfctr_llc", "mwaitx", null, null]),
        (7, 'b', ["fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", null, "smep", "bmi2", "erms", "invpcid", "rtm", "cqm", null,
                  "mpx", "rdt_a", "avx512f", "avx512dq", "rdseed", "adx", "smap", "avx512ifma", null, "clflushopt", "clwb",
                  "intel_pt", "avx512pf", "avx512er", "avx512cd", "sha_ni", "avx512bw", "avx512vl"]),
    ];

    /// <summary>The flags line's names, in order.</summary>
    public static List<string> Flags()
    {
        var flags = new List<string>();
        foreach (var (leaf, reg, names) in Words)
        {
            var (a, b, c, d) = Cpuid.Query(leaf, 0);
            uint v = reg switch { 'a' => a, 'b' => b, 'c' => c, _ => d };
            if (leaf > 0 && leaf < 0x80000000 && Cpuid.Query(0, 0).a < leaf) v = 0;
            for (int bit = 0; bit < 32; bit++)
                if ((v >> bit & 1) != 0 && names[bit] is { } n) flags.Add(n);
        }
        return flags;
    }

    public static byte[] Content()
    {
        var (maxLeaf, vb, vc, vd) = Cpuid.Query(0, 0);
        string vendor = Ascii(vb, vd, vc);
        uint sig = Cpuid.Query(1, 0).a;
        uint family = (sig >> 8) & 0xF, model = (sig >> 4) & 0xF, stepping = sig & 0xF;
        if (family == 0xF) family += (sig >> 20) & 0xFF;
        if (family is 6 or >= 0xF) model |= ((sig >> 16) & 0xF) << 4;
        var brand = new StringBuilder();
        for (uint l = 0x80000002; l <= 0x80000004; l++)
        {
            var (a, b, c, d) = Cpuid.Query(l, 0);
            brand.Append(Ascii(a, b, c, d));
        }
        // Largest cache from the deterministic cache parameters (leaf 4): ways * partitions * line * sets.
        ulong cache = 0;
        for (uint sub = 0; sub < 8; sub++)
        {
            var (a, b, c, _) = Cpuid.Query(4, sub);
            if ((a & 0x1F) == 0) break;
            cache = Math.Max(cache, (ulong)((b >> 22) + 1) * (((b >> 12) & 0x3FF) + 1) * ((b & 0xFFF) + 1) * (c + 1UL));
        }
        uint addr = Cpuid.Query(0x80000008, 0).a;
        uint clflush = ((Cpuid.Query(1, 0).b >> 8) & 0xFF) * 8;
        string flags = string.Join(' ', Flags());
        int n = Environment.ProcessorCount;
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            sb.Append($"processor\t: {i}\n");
            sb.Append($"vendor_id\t: {vendor}\n");
            sb.Append($"cpu family\t: {family}\n");
            sb.Append($"model\t\t: {model}\n");
            sb.Append($"model name\t: {brand.ToString().TrimEnd('\0', ' ')}\n");
            sb.Append($"stepping\t: {stepping}\n");
            if (cache > 0) sb.Append($"cache size\t: {cache / 1024} KB\n");
            sb.Append($"physical id\t: 0\nsiblings\t: {n}\ncore id\t\t: {i}\ncpu cores\t: {n}\n");
            sb.Append($"apicid\t\t: {i}\ninitial apicid\t: {i}\n");
            sb.Append("fpu\t\t: yes\nfpu_exception\t: yes\n");
            sb.Append($"cpuid level\t: {maxLeaf}\n");
            sb.Append("wp\t\t: yes\n");
            sb.Append($"flags\t\t: {flags}\n");
            sb.Append("bugs\t\t:\n");
            sb.Append($"clflush size\t: {clflush}\ncache_alignment\t: {clflush}\n");
            sb.Append($"address sizes\t: {addr & 0xFF} bits physical, {(addr >> 8) & 0xFF} bits virtual\n");
            sb.Append("power management:\n\n");
        }
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    static string Ascii(params uint[] regs)
    {
        var bytes = new byte[regs.Length * 4];
        for (int i = 0; i < regs.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), regs[i]);
        return Encoding.ASCII.GetString(bytes);
    }
}
