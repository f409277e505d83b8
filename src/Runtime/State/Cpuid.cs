namespace UniJit.Runtime.State;

/// <summary>
/// What the guest's CPUID reports. Only implemented features are advertised, in glibc's groups
/// (design notes): the x86-64 baseline (FPU, TSC, CX8, CMOV, MMX, FXSR, SSE, SSE2).
/// Cache leaves are given so glibc sizes its memcpy thresholds; leaf 0x40000000 names UniJit.
/// </summary>
public static class Cpuid
{
    // CPUID.1:EDX: FPU(0) TSC(4) MSR(5)? CX8(8) SEP(11)? CMOV(15) CLFSH(19) FXSR(24) SSE(25) SSE2(26)
    // MMX (23) is part of the x86-64 baseline that ld.so checks ("CPU ISA level is lower than required"
    // otherwise); every MMX instruction, and the SSE/SSE2/SSSE3 forms on MMX registers, has a handler
    // (Interpreter/MmxHandlers, tested against the CPU in Semantics/Mmx).
    public const uint Leaf1Edx = (1u << 0) | (1u << 4) | (1u << 8) | (1u << 15) | (1u << 19) | (1u << 23) | (1u << 24) | (1u << 25) | (1u << 26);
    // CPUID.1:ECX: CX16(13) only once cmpxchg16b works; SSE3(0), SSSE3(9), SSE4.1(19), SSE4.2(20)
    // and POPCNT(23) come from the handler table: a group is reported only when every one of its
    // XMM encodings has a handler (see SseHandlers.Features).
    public static uint Leaf1Ecx = (1u << 13) | Interpreter.SseHandlers.Features();

    public static uint Hwcap => Leaf1Edx;

    /// <summary>The processor brand string (leaves 0x80000002-4: 48 bytes, NUL-padded).</summary>
    public const string Brand = "UniJit virtual x86_64 CPU";

    static (uint, uint, uint, uint) BrandWords(uint part)
    {
        var bytes = new byte[48];
        System.Text.Encoding.ASCII.GetBytes(Brand, bytes);
        uint W(int i) => BitConverter.ToUInt32(bytes, (int)part * 16 + i * 4);
        return (W(0), W(1), W(2), W(3));
    }

    /// <summary>Fills EAX, EBX, ECX, EDX for leaf <paramref name="leaf"/>, subleaf <paramref name="sub"/>.</summary>
    public static (uint a, uint b, uint c, uint d) Query(uint leaf, uint sub)
    {
        switch (leaf)
        {
            case 0: return (0xD, 0x756E6547, 0x6C65746E, 0x49656E69); // "GenuineIntel"
            case 1: return (0x000906EA, 0x00000800 | (1u << 16), Leaf1Ecx, Leaf1Edx); // family 6 model 158, CLFLUSH line 64 (8*8)
            case 2: return (0x00FEFF01, 0, 0, 0);
            case 4:
                // Deterministic cache parameters: L1d 32K, L1i 32K, L2 256K, L3 8M; 64-byte lines.
                return sub switch
                {
                    0 => (0x121 | (0u << 26), (7u << 22) | 63, 63, 0),       // L1d: 8 ways, 64 sets
                    1 => (0x122, (7u << 22) | 63, 63, 0),                  // L1i
                    2 => (0x143, (3u << 22) | 63, 1023, 0),                // L2: 4 ways, 1024 sets
                    3 => (0x163, (15u << 22) | 63, 8191, 6),               // L3: 16 ways, 8192 sets
                    _ => (0, 0, 0, 0),
                };
            case 7: return (0, 0, 0, 0);
            case 0xD: return (0, 0, 0, 0);
            case 0x40000000: return (0x40000000, 0x4A696E55, 0x6E55746A, 0x74694A69); // "UniJitUniJit"
            case 0x80000000: return (0x80000008, 0, 0, 0);
            case 0x80000001: return (0, 0, 1u /* LAHF-SAHF in 64-bit */, (1u << 11) | (1u << 20) | (1u << 29)); // SYSCALL, NX, LM
            case 0x80000002: case 0x80000003: case 0x80000004: return BrandWords(leaf - 0x80000002);
            case 0x80000006: return (0, 0, 0x01006040, 0); // L2 256K, 64-byte lines
            case 0x80000008: return (0x3030, 0, 0, 0);     // 48-bit virtual, 48-bit physical
            default: return (0, 0, 0, 0);
        }
    }
}
