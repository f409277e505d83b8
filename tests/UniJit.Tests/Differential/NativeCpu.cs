using System.Runtime.InteropServices;
using Iced.Intel;
using UniJit.Tests.Support;
using static Iced.Intel.AssemblerRegisters;

namespace UniJit.Tests.Differential;

/// <summary>
/// Runs a snippet on the host CPU, in the test process, at the very addresses the guest uses
/// (<see cref="GuestCode"/>): code at 0x7000_0000, data at 0x7100_0000, a private stack below
/// 0x7200_0000, so that pointer values, RIP-relative results and pushed values are identical.
///
/// Layout of the RWX code mapping: the snippet at its start; at +0x8000 an entry stub (called from
/// C# through a function pointer) that saves the callee-saved registers and the host RSP, loads
/// RFLAGS (popfq) and all 16 registers from the state block, and jumps to the snippet; the snippet
/// ends with a jump to the exit stub at +0x9000, which stores the registers and RFLAGS back, clears
/// DF, restores the host RSP and registers and returns. The state block sits at +0xF000 and every
/// stub addresses it absolutely, so no register is needed to find it.
/// Only snippets that cannot fault may run here (a host fault kills the test process).
/// </summary>
public static unsafe class NativeCpu
{
    const ulong Code = GuestCode.CodeAddress, Entry = Code + 0x8000, Exit = Code + 0x9000, State = Code + 0xF000;
    const ulong StackBase = GuestCode.StackTop - 0x10000;
    public const int MaxSnippet = 0x7000;

    static readonly object gate = new();
    static bool ready;

    [DllImport("libc", SetLastError = true)] static extern nint mmap(nint addr, nuint len, int prot, int flags, int fd, nint off);
    const int PROT_RWX = 7, PROT_RW = 3, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;

    static void Map(ulong at, ulong size, int prot)
    {
        nint r = mmap((nint)at, (nuint)size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (r != (nint)at)
            throw new InvalidOperationException($"cannot map the native test area at 0x{at:x} (got 0x{r:x}, errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>Maps the harness's areas now (<see cref="Support.NativeAreas"/>).</summary>
    internal static void Reserve() => Init();

    static void Init()
    {
        lock (gate)
        {
            if (ready) return;
            Map(Code, 0x10000, PROT_RWX);
            _ = NativeScratch.Data;
            Map(StackBase, 0x10000, PROT_RW);
            Write(Entry, Assemble(Entry, a =>
            {
                a.push(rbx); a.push(rbp); a.push(r12); a.push(r13); a.push(r14); a.push(r15);
                a.mov(__qword_ptr[State + 17 * 8], rsp);
                a.push(__qword_ptr[State + 16 * 8]);
                a.popfq();
                var regs = new[] { rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15 };
                for (int i = 15; i >= 0; i--) a.mov(regs[i], __qword_ptr[State + (ulong)i * 8]);
                a.jmp(Code);
            }));
            Write(Exit, Assemble(Exit, a =>
            {
                var regs = new[] { rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15 };
                for (int i = 0; i < 16; i++) a.mov(__qword_ptr[State + (ulong)i * 8], regs[i]);
                a.pushfq();
                a.pop(__qword_ptr[State + 16 * 8]);
                a.cld();
                a.mov(rsp, __qword_ptr[State + 17 * 8]);
                a.pop(r15); a.pop(r14); a.pop(r13); a.pop(r12); a.pop(rbp); a.pop(rbx);
                a.ret();
            }));
            ready = true;
        }
    }

    public static byte[] Assemble(ulong ip, Action<Assembler> body)
    {
        var a = new Assembler(64);
        body(a);
        var ms = new MemoryStream();
        a.Assemble(new StreamCodeWriter(ms), ip);
        return ms.ToArray();
    }

    static void Write(ulong at, byte[] bytes) => bytes.CopyTo(new Span<byte>((void*)at, bytes.Length));

    /// <summary>Runs <paramref name="snippet"/> (assembled for <see cref="GuestCode.CodeAddress"/>) from
    /// <paramref name="input"/> and returns the final state.</summary>
    public static MachineState Run(byte[] snippet, MachineState input)
    {
        Init();
        if (snippet.Length > MaxSnippet) throw new ArgumentException("snippet too long");
        if ((input.Rflags & (1UL << 18 | 1UL << 8)) != 0) throw new ArgumentException("AC and TF must stay clear natively");
        lock (gate)
        {
            Write(Code, snippet);
            Write(Code + (ulong)snippet.Length, Assemble(Code + (ulong)snippet.Length, a => a.jmp(Exit)));
            var data = new Span<byte>((void*)GuestCode.DataAddress, (int)GuestCode.DataSize);
            data.Clear();
            // The guest starts each run on a fresh, zeroed stack: so does the native side.
            new Span<byte>((void*)StackBase, 0x10000).Clear();
            input.Data.CopyTo(data);
            ulong* st = (ulong*)State;
            for (int i = 0; i < 16; i++) st[i] = input.Gpr[i];
            st[16] = input.Rflags;
            ((delegate* unmanaged<void>)Entry)();
            var output = new MachineState { Rflags = st[16], Data = data.ToArray() };
            for (int i = 0; i < 16; i++) output.Gpr[i] = st[i];
            return output;
        }
    }
}
