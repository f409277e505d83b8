using System.Runtime.CompilerServices;
using UniJit.Runtime.Dispatch;
using UniJit.Runtime.Memory;
using UniJit.Runtime.State;

namespace UniJit.Runtime.Semantics;

/// <summary>
/// MXCSR for guest floating point: rounding control, DAZ/FTZ and the sticky exception flags.
///
/// Why the host MXCSR is switched: every SSE floating-point semantic method runs the very host
/// instruction (through System.Runtime.Intrinsics), so the only way to get the guest's rounding
/// mode, denormal handling and exception flags bit-exactly is to run that host instruction under
/// the guest's MXCSR. .NET exposes no ldmxcsr/stmxcsr, so a 21-byte native stub swaps the host
/// MXCSR (x86-64 host only, as the whole project assumes). <see cref="Enter"/> loads the guest's
/// control bits with every exception masked (an unmasked host exception would kill .NET) and the
/// flags clear; <see cref="Leave"/> restores the host value, ORs the raised flags into the guest
/// MXCSR and raises SIGFPE for any the guest has unmasked (Intel SDM vol. 1, 11.5).
/// Between the two, only the semantic call itself may run (no allocation, no guest memory access):
/// read operands before Enter, write results after Leave. The IL tier may hoist the pair to region
/// boundaries. Nothing may be JIT-compiled inside a scope (the JIT's own floating point would
/// raise flags): semantic methods are AggressiveOptimization (never re-jitted, no OSR) and the
/// interpreter runs each (code, imm8) once outside a scope before its first scoped run.
/// </summary>
public static unsafe class SseMxcsr
{
    public const uint Default = 0x1F80;
    public const uint FlagMask = 0x3F;
    public const uint IE = 1, DE = 2, ZE = 4, OE = 8, UE = 0x10, PE = 0x20;
    public const uint Daz = 0x40, Ftz = 0x8000, RoundMask = 0x6000;
    /// <summary>Bits ldmxcsr accepts (MXCSR_MASK as fxsave reports it); others raise #GP.</summary>
    public const uint Writable = 0xFFFF;

    static readonly delegate* unmanaged[SuppressGCTransition]<uint, uint> swap = MakeStub();

    /// <summary>Whether DAZ is in effect in the current scope (reads the host MXCSR, flags kept).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool HostDaz()
    {
        uint cur = swap(Default);
        swap(cur);
        return (cur & Daz) != 0;
    }

    /// <summary>MXCSR.RC (0 nearest, 1 down, 2 up, 3 toward zero) in the current scope.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int HostRounding()
    {
        uint cur = swap(Default);
        swap(cur);
        return (int)(cur >> 13) & 3;
    }

    /// <summary>The host MXCSR inside the current scope (left unchanged).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint HostRead()
    {
        uint cur = swap(Default);
        swap(cur);
        return cur;
    }

    /// <summary>Clears PE in the host MXCSR unless <paramref name="before"/> had it (for operations
    /// whose host form raises precision where the guest's suppresses it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RestorePrecision(uint before)
    {
        uint cur = swap(Default);
        swap((before & PE) != 0 ? cur : cur & ~PE);
    }

    static SseMxcsr()
    {
        // Compile Enter/Leave now: a method compiled on its first call inside a scope would run
        // the JIT (which uses floating point) under the guest MXCSR and leak flags into it.
        CpuState dummy = default;
        dummy.Mxcsr = Default;
        Leave(&dummy, Enter(&dummy));
        LeaveOrRetry(&dummy, Enter(&dummy));
        HostDaz();
        HostRounding();
        RestorePrecision(HostRead());
        SimdFloat.Warm();
    }

    static delegate* unmanaged[SuppressGCTransition]<uint, uint> MakeStub()
    {
        // uint swap(uint v): stmxcsr [rsp-8]; mov eax,[rsp-8]; mov [rsp-8],edi; ldmxcsr [rsp-8]; ret
        ReadOnlySpan<byte> code =
        [
            0x0F, 0xAE, 0x5C, 0x24, 0xF8,
            0x8B, 0x44, 0x24, 0xF8,
            0x89, 0x7C, 0x24, 0xF8,
            0x0F, 0xAE, 0x54, 0x24, 0xF8,
            0xC3,
        ];
        byte* p = (byte*)Native.mmap(null, 4096, Native.PROT_READ | Native.PROT_WRITE,
            Native.MAP_PRIVATE | Native.MAP_ANONYMOUS, -1, 0);
        if (p == (byte*)-1) throw new InvalidOperationException("cannot map the MXCSR stub");
        code.CopyTo(new Span<byte>(p, code.Length));
        Native.mprotect(p, 4096, Native.PROT_READ | Native.PROT_EXEC);
        return (delegate* unmanaged[SuppressGCTransition]<uint, uint>)p;
    }

    /// <summary>
    /// Entry to translated code that runs the guest's SSE floating point as host instructions: loads
    /// the guest's control bits (rounding, DAZ, FTZ) into the host MXCSR with the flags clear, so that
    /// until <see cref="RegionLeave"/> every host floating-point instruction computes exactly what the
    /// guest's would and its flags collect in the host MXCSR. Only while every exception is masked, as
    /// it must be in the host (an unmasked one would kill .NET): otherwise the host stays as it is
    /// (flags cleared) and this returns 0, and the caller must not run guest floating point natively.
    /// Nested <see cref="Enter"/>/<see cref="Leave"/> scopes (exact helpers) compose with it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RegionEnter(CpuState* s)
    {
        uint m = s->Mxcsr;
        if ((m & 0x1F80) != 0x1F80) { swap(Default); return 0; }
        swap(m & 0xFFC0);
        return 1;
    }

    /// <summary>Leaves a <see cref="RegionEnter"/> scope: restores .NET's MXCSR and adds the flags the
    /// guest's instructions raised to the guest MXCSR.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RegionLeave(CpuState* s) => s->Mxcsr |= swap(Default) & FlagMask;

    /// <summary><see cref="RegionLeave"/> as a call, for a region that runs no floating point natively and
    /// runs under a held MXCSR (<see cref="CpuState.FpHeld"/>): such a region then touches none of this
    /// class's statics, which ReadyToRun code would otherwise make sure are initialized, by a helper call,
    /// at every entry.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void LeaveHeld(CpuState* s) => RegionLeave(s);

    /// <summary>Switches the host to the guest's control bits (exceptions masked, flags clear) and
    /// returns the host's MXCSR for <see cref="Leave"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint Enter(CpuState* s) => swap((s->Mxcsr & 0xFFC0) | 0x1F80);

    /// <summary>Restores the host MXCSR and accumulates the flags the operation raised.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Leave(CpuState* s, uint host)
    {
        uint raised = swap(host) & FlagMask;
        if (raised != 0) Raise(s, raised);
    }

    /// <summary><see cref="Leave"/> for translated code, which must not throw: an unmasked exception
    /// sets <see cref="CpuState.Retry"/> instead and leaves MXCSR as it was (the interpreter runs the
    /// instruction again and raises it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LeaveOrRetry(CpuState* s, uint host)
    {
        uint raised = swap(host) & FlagMask;
        if (raised == 0) return;
        if ((raised & ~(s->Mxcsr >> 7) & FlagMask) != 0) { s->Retry = 1; return; }
        s->Mxcsr |= raised;
    }

    static void Raise(CpuState* s, uint raised)
    {
        uint m = s->Mxcsr | raised;
        s->Mxcsr = m;
        uint unmasked = raised & ~(m >> 7) & FlagMask;
        if (unmasked != 0) throw new GuestSignalException(Signals.SIGFPE, SiCode(unmasked), 0);
    }

    /// <summary>si_code for an SIMD floating-point exception, as Linux chooses it.</summary>
    public static int SiCode(uint flags) =>
        (flags & IE) != 0 ? 7 /* FPE_FLTINV */ :
        (flags & ZE) != 0 ? 3 /* FPE_FLTDIV */ :
        (flags & OE) != 0 ? 4 /* FPE_FLTOVF */ :
        (flags & (UE | DE)) != 0 ? 5 /* FPE_FLTUND */ :
        (flags & PE) != 0 ? 6 /* FPE_FLTRES */ : 0;

    /// <summary>ldmxcsr: reserved bits set raise #GP (SIGSEGV, SI_KERNEL).</summary>
    public static void Load(CpuState* s, uint value)
    {
        if ((value & ~Writable) != 0) throw new GuestSignalException(Signals.SIGSEGV, 128, 0);
        s->Mxcsr = value;
    }
}
