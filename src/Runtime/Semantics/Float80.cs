using System.Runtime.CompilerServices;

namespace UniJit.Runtime.Semantics;

/// <summary>
/// An x87 80-bit extended-precision value, bit for bit as the hardware stores it: a 64-bit
/// significand with an explicit integer bit (J, bit 63) and a 16-bit sign/exponent word
/// (bias 16383). Every encoding is representable, including the ones the FPU rejects as
/// operands (unnormals, pseudo-NaNs, pseudo-infinities; Intel SDM vol. 1, 8.2.2).
///
/// The arithmetic lives in the static partial class <see cref="F80"/>; this type is only data.
/// Operations take the x87 control word (precision and rounding control) and accumulate
/// exception flags (the status word's low bits, plus <see cref="F80.C1"/> for "rounded up").
/// </summary>
public struct Float80 : IEquatable<Float80>
{
    public ulong Mant;
    public ushort SignExp;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Float80(ulong mant, ushort signExp) { Mant = mant; SignExp = signExp; }

    public readonly bool Sign => (SignExp & 0x8000) != 0;
    public readonly int Exp => SignExp & 0x7FFF;

    public readonly bool IsZero => Exp == 0 && Mant == 0;
    /// <summary>NaN with the integer bit set (a pseudo-NaN is "unsupported", not NaN).</summary>
    public readonly bool IsNaN => Exp == 0x7FFF && (long)Mant < 0 && (Mant << 1) != 0;
    public readonly bool IsSNaN => IsNaN && (Mant & (1UL << 62)) == 0;
    public readonly bool IsInf => Exp == 0x7FFF && Mant == 1UL << 63;
    /// <summary>Denormal or pseudo-denormal (exponent 0, non-zero significand).</summary>
    public readonly bool IsDenormal => Exp == 0 && Mant != 0;
    /// <summary>Unnormal, pseudo-NaN or pseudo-infinity: a non-zero exponent with J clear.</summary>
    public readonly bool IsUnsupported => Exp != 0 && (long)Mant >= 0;

    public static readonly Float80 Indefinite = new(0xC000_0000_0000_0000, 0xFFFF);
    public static readonly Float80 One = new(1UL << 63, 0x3FFF);
    public static Float80 Zero(bool sign) => new(0, (ushort)(sign ? 0x8000 : 0));
    public static Float80 Inf(bool sign) => new(1UL << 63, (ushort)(sign ? 0xFFFF : 0x7FFF));

    public readonly Float80 Negate() => new(Mant, (ushort)(SignExp ^ 0x8000));
    public readonly Float80 Abs() => new(Mant, (ushort)(SignExp & 0x7FFF));
    public readonly Float80 WithSign(bool s) => new(Mant, (ushort)((SignExp & 0x7FFF) | (s ? 0x8000 : 0)));

    /// <summary>The x87 tag of a valid register holding this value: 0 valid, 1 zero, 2 special.</summary>
    public readonly int Tag => Exp == 0 ? (Mant == 0 ? 1 : 2) : Exp == 0x7FFF || (long)Mant >= 0 ? 2 : 0;

    public readonly bool Equals(Float80 o) => Mant == o.Mant && SignExp == o.SignExp;
    public override readonly bool Equals(object? o) => o is Float80 f && Equals(f);
    public override readonly int GetHashCode() => HashCode.Combine(Mant, SignExp);
    public override readonly string ToString() => $"{SignExp:X4}:{Mant:X16}";
}
