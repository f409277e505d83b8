using System.Runtime.InteropServices;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.Semantics.Sse;

/// <summary>The register state a differential case starts from and ends with (same on both sides).</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct MachineState
{
    public fixed ulong Gpr[16];
    public ulong Rflags;
    public uint Mxcsr;
    public uint Pad;
    public fixed byte Xmm[256];
}

/// <summary>
/// Runs a snippet on the real CPU: a wrapper assembled with Iced into an RWX page at a fixed
/// address loads GPRs (all but RSP), RFLAGS, MXCSR and XMM0-15 from a <see cref="MachineState"/>,
/// runs the snippet, stores them back and restores the host's callee-saved registers and MXCSR.
/// The scratch data area is mapped at the guest's data address, so pointers mean the same on both sides.
/// Snippets must not touch RSP, branch out, or fault (misaligned SSE accesses kill the test host).
/// </summary>
public static unsafe class NativeRunner
{
    const ulong PageAddr = 0x7300_0000;
    const ulong PageSize = 0x10000;
    const ulong CodeAddr = PageAddr;
    public const ulong StateAddr = PageAddr + 0x8000;
    const ulong SaveRsp = PageAddr + 0x9000, SaveMxcsr = PageAddr + 0x9008;
    public const ulong DataAddr = 0x7100_0000;
    public const ulong DataSize = 0x10000;

    static readonly object gate = new();
    static bool mapped;

    [DllImport("libc", SetLastError = true)]
    static extern nint mmap(nint addr, nuint len, int prot, int flags, int fd, long off);

    static void EnsureMapped()
    {
        lock (gate)
        {
            if (mapped) return;
            const int MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
            nint p = mmap((nint)PageAddr, (nuint)PageSize, 7, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
            if (p != (nint)PageAddr) throw new InvalidOperationException($"cannot map the native code page ({Marshal.GetLastPInvokeError()})");
            _ = UniJit.Tests.Support.NativeScratch.Data; // shared with the other native harnesses
            mapped = true;
        }
    }

    public static byte* Data { get { EnsureMapped(); return (byte*)DataAddr; } }
    public static MachineState* State { get { EnsureMapped(); return (MachineState*)StateAddr; } }

    static AssemblerRegister64[] Gprs => [rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15];
    static AssemblerRegisterXMM[] Xmms => [xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7, xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15];

    /// <summary>Assembles the wrapper around <paramref name="body"/>; call <see cref="Run"/> after.</summary>
    public static void Prepare(Action<Assembler> body, bool fninit = false)
    {
        EnsureMapped();
        var a = new Assembler(64);
        const ulong gpr = StateAddr, rfl = StateAddr + 128, mx = StateAddr + 136, xmm = StateAddr + 144;
        a.push(rbx); a.push(rbp); a.push(r12); a.push(r13); a.push(r14); a.push(r15);
        a.mov(rax, (long)SaveRsp); a.mov(__qword_ptr[rax], rsp);
        a.stmxcsr(__dword_ptr[SaveMxcsr]);
        if (fninit)
        {
            // Empty x87 state with zeroed physical registers (fninit alone keeps stale contents).
            a.fninit();
            for (int k = 0; k < 8; k++) a.fldz();
            a.fninit();
        }
        a.ldmxcsr(__dword_ptr[mx]);
        for (int n = 0; n < 16; n++) a.movdqu(Xmms[n], __xmmword_ptr[xmm + (ulong)(16 * n)]);
        a.push(__qword_ptr[rfl]); a.popfq();
        for (int n = 0; n < 16; n++) if (n != 4) a.mov(Gprs[n], __qword_ptr[gpr + (ulong)(8 * n)]);
        body(a);
        a.pushfq(); a.pop(__qword_ptr[rfl]);
        for (int n = 0; n < 16; n++) if (n != 4) a.mov(__qword_ptr[gpr + (ulong)(8 * n)], Gprs[n]);
        for (int n = 0; n < 16; n++) a.movdqu(__xmmword_ptr[xmm + (ulong)(16 * n)], Xmms[n]);
        a.stmxcsr(__dword_ptr[mx]);
        a.ldmxcsr(__dword_ptr[SaveMxcsr]);
        if (fninit) a.fninit();
        a.mov(rax, (long)SaveRsp); a.mov(rsp, __qword_ptr[rax]);
        a.cld();
        a.pop(r15); a.pop(r14); a.pop(r13); a.pop(r12); a.pop(rbp); a.pop(rbx);
        a.ret();
        var ms = new MemoryStream();
        a.Assemble(new StreamCodeWriter(ms), CodeAddr);
        var bytes = ms.ToArray();
        if (bytes.Length > 0x8000) throw new InvalidOperationException("snippet too long");
        bytes.CopyTo(new Span<byte>((void*)CodeAddr, bytes.Length));
    }

    /// <summary>Runs the prepared wrapper on <see cref="State"/>.</summary>
    public static void Run() => ((delegate* unmanaged<void>)CodeAddr)();
}
