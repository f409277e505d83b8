namespace UniJit.Runtime.Semantics;

/// <summary>
/// The transcendental instructions (SDM vol. 2: F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS, FSINCOS,
/// FPTAN), evaluated in <see cref="Wide"/> (~125 bits) by Taylor/atanh/atan series and rounded once
/// to 64 bits under the rounding control (precision control does not apply to them).
///
/// Where this can differ from a real CPU: the hardware's own results are not always correctly
/// rounded (Intel documents errors below 1 ulp), so in rare cases the CPU's last bit differs from
/// this correctly-rounded result. fsin/fcos/fptan/fsincos reduce their argument with the same
/// 66-bit approximation of pi the x87 uses (so results near multiples of pi/2 follow the hardware,
/// not the true function); arguments of magnitude 2^63 or more are left unchanged with C2 set.
/// Results for inputs outside an instruction's documented domain (f2xm1 with |x| > 1, fyl2xp1 with
/// |x| >= 1 - sqrt(2)/2) are the mathematical function, which the CPU does not promise.
/// </summary>
public static partial class F80
{
    /// <summary>f2xm1: 2^x - 1.</summary>
    public static Float80 F2xm1(Float80 a, ushort cw, ref uint flags)
    {
        if (a.IsUnsupported) { flags |= IE; return Float80.Indefinite; }
        if (a.IsNaN) return QuietNaN(a, ref flags);
        if (a.IsZero) return a;
        if (a.IsInf) return a.Sign ? new Float80(1UL << 63, 0xBFFF) : a;
        if (a.IsDenormal) flags |= DE;
        int rc = Rounding(cw);
        if (a.Mant == 1UL << 63 && a.SignExp == 0xBFFF)
        {
            // -1: -0.5, which the CPU reports inexact. (For +1 it computes a value just below 1,
            // as the series from a truncated ln 2 does here.)
            flags |= PE;
            return new Float80(1UL << 63, 0xBFFE);
        }
        var x = Wide.FromF80(a);
        if (x.E > 6) return a.Sign ? new Float80(1UL << 63, 0xBFFF) : Float80.Inf(false);
        return Expm1(x * Wide.Ln2).ToF80(rc, ref flags);
    }

    /// <summary>fyl2x: y * log2(x), x = ST(0), y = ST(1).</summary>
    public static Float80 Yl2x(Float80 x, Float80 y, ushort cw, ref uint flags)
    {
        if (x.IsUnsupported || y.IsUnsupported) { flags |= IE; return Float80.Indefinite; }
        if (x.IsNaN || y.IsNaN) return PropagateNaN(x, y, ref flags);
        if (x.Sign && !x.IsZero) { flags |= IE; return Float80.Indefinite; }
        if (x.IsDenormal || y.IsDenormal) flags |= DE;
        int rc = Rounding(cw);
        if (x.IsZero)
        {
            if (y.IsZero) { flags &= ~DE; flags |= IE; return Float80.Indefinite; }
            if (!y.IsInf) { flags &= ~DE; flags |= ZE; }
            return Float80.Inf(!y.Sign);
        }
        if (x.IsInf)
        {
            if (y.IsZero) { flags &= ~DE; flags |= IE; return Float80.Indefinite; }
            return Float80.Inf(y.Sign);
        }
        Unpack(x, out int ex, out ulong mx);
        bool isOne = mx == 1UL << 63 && ex == Bias;
        if (y.IsInf)
        {
            if (isOne) { flags |= IE; return Float80.Indefinite; }
            return Float80.Inf(y.Sign ^ (ex < Bias));
        }
        if (y.IsZero) return Float80.Zero(y.Sign ^ (ex < Bias));
        if (isOne) return Float80.Zero(y.Sign);
        if (mx == 1UL << 63)
        {
            // Exact log2 of a power of two; the CPU still reports the result inexact.
            flags |= PE;
            return Mul(y, FromInt(ex - Bias), (ushort)(cw | 0x300), ref flags);
        }
        var l = Log2(Wide.FromF80(x));
        return (Wide.FromF80(y) * l).ToF80(rc, ref flags);
    }

    /// <summary>fyl2xp1: y * log2(x + 1), x = ST(0), y = ST(1).</summary>
    public static Float80 Yl2xp1(Float80 x, Float80 y, ushort cw, ref uint flags)
    {
        if (x.IsUnsupported || y.IsUnsupported) { flags |= IE; return Float80.Indefinite; }
        if (x.IsNaN || y.IsNaN) return PropagateNaN(x, y, ref flags);
        if (x.IsDenormal || y.IsDenormal) flags |= DE;
        int rc = Rounding(cw);
        var wx = Wide.FromF80(x);
        int cmp = x.Sign && !x.IsZero ? Wide.CompareAbs(wx, Wide.One) : -1;
        if (cmp > 0 || (x.IsInf && x.Sign)) { flags |= IE; return Float80.Indefinite; }
        if (x.IsZero)
        {
            if (y.IsInf) { flags |= IE; return Float80.Indefinite; }
            return Float80.Zero(x.Sign ^ y.Sign);
        }
        if (cmp == 0)
        {
            if (y.IsZero) { flags |= IE; return Float80.Indefinite; }
            if (!y.IsInf) flags |= ZE;
            return Float80.Inf(!y.Sign);
        }
        if (x.IsInf)
        {
            if (y.IsZero) { flags |= IE; return Float80.Indefinite; }
            return Float80.Inf(y.Sign);
        }
        if (y.IsInf) return Float80.Inf(y.Sign ^ x.Sign);
        if (y.IsZero) return Float80.Zero(y.Sign ^ x.Sign);
        // ln(1+x) = 2 atanh(x / (2 + x)).
        var s = wx / (Wide.Two + wx);
        var l = Atanh(s) * Wide.Two * Wide.Log2E;
        return (Wide.FromF80(y) * l).ToF80(rc, ref flags);
    }

    /// <summary>fpatan: atan2(y, x) with y = ST(1), x = ST(0).</summary>
    public static Float80 Patan(Float80 y, Float80 x, ushort cw, ref uint flags)
    {
        if (x.IsUnsupported || y.IsUnsupported) { flags |= IE; return Float80.Indefinite; }
        if (x.IsNaN || y.IsNaN) return PropagateNaN(y, x, ref flags);
        if (x.IsDenormal || y.IsDenormal) flags |= DE;
        int rc = Rounding(cw);
        bool sy = y.Sign;
        Wide r;
        if (y.IsZero)
        {
            if (!x.Sign) return y;
            r = Wide.Pi;
        }
        else if (y.IsInf)
        {
            r = x.IsInf ? (x.Sign ? Wide.Pi - Wide.PiQuarter : Wide.PiQuarter) : Wide.PiHalf;
        }
        else if (x.IsInf)
        {
            if (!x.Sign) return Float80.Zero(sy);
            r = Wide.Pi;
        }
        else if (x.IsZero) r = Wide.PiHalf;
        else
        {
            Wide ay = Wide.FromF80(y).Abs(), ax = Wide.FromF80(x).Abs();
            r = Wide.CompareAbs(ay, ax) <= 0 ? Atan01(ay / ax) : Wide.PiHalf - Atan01(ax / ay);
            if (x.Sign) r = Wide.Pi - r;
        }
        if (sy) r = -r;
        return r.ToF80(rc, ref flags);
    }

    public enum TrigOp { Sin, Cos, Tan }

    /// <summary>fsin, fcos, fptan (the tangent; the handler pushes 1.0). <paramref name="outOfRange"/>
    /// (C2) is set, and the operand returned unchanged, when |a| &gt;= 2^63.</summary>
    public static Float80 Trig(Float80 a, TrigOp op, ushort cw, ref uint flags, out bool outOfRange)
    {
        outOfRange = false;
        if (a.IsUnsupported || a.IsInf) { flags |= IE; return Float80.Indefinite; }
        if (a.IsNaN) return QuietNaN(a, ref flags);
        if (a.IsZero) return op == TrigOp.Cos ? Float80.One : a;
        if (a.Exp >= Bias + 63) { outOfRange = true; return a; }
        if (a.IsDenormal) flags |= DE;
        int rc = Rounding(cw);
        SinCos(a, out var s, out var c);
        return op switch
        {
            TrigOp.Sin => s.ToF80(rc, ref flags),
            TrigOp.Cos => c.ToF80(rc, ref flags),
            _ => (s / c).ToF80(rc, ref flags),
        };
    }

    /// <summary>fsincos: both results, rounded separately (one flag set for both).</summary>
    public static void SinCos(Float80 a, ushort cw, ref uint flags, out Float80 sin, out Float80 cos, out bool outOfRange)
    {
        outOfRange = false;
        if (a.IsUnsupported || a.IsInf) { flags |= IE; sin = cos = Float80.Indefinite; return; }
        if (a.IsNaN) { sin = cos = QuietNaN(a, ref flags); return; }
        if (a.IsZero) { sin = a; cos = Float80.One; return; }
        if (a.Exp >= Bias + 63) { outOfRange = true; sin = cos = a; return; }
        if (a.IsDenormal) flags |= DE;
        SinCos(a, out var s, out var c);
        int rc = Rounding(cw);
        uint fc = 0;
        sin = s.ToF80(rc, ref flags);
        cos = c.ToF80(rc, ref fc);
        flags |= fc & ~C1;
        // C1 reports the sine's rounding (measured on the CPU), although ST(0) holds the cosine.
    }

    /// <summary>x87 pi: the 66-bit approximation used for argument reduction, as an integer scaled by 2^64.</summary>
    static readonly UInt128 Pi66 = new(0x3, 0x243F6A8885A308D3);

    /// <summary>sin and cos of a finite non-zero |a| &lt; 2^63, reduced modulo the x87's pi/2.</summary>
    static void SinCos(Float80 a, out Wide sin, out Wide cos)
    {
        Unpack(a, out int e, out ulong m);
        int ue = e - Bias;
        Wide r;
        int q = 0;
        if (ue < -1) r = Wide.FromF80(a.Abs());
        else
        {
            // |a| in units of 2^-65 is m << (ue + 2); pi/2 in those units is Pi66.
            UInt128 rem = m;
            int left = ue + 2;
            ulong k = 0;
            while (left > 0)
            {
                int t = Math.Min(left, 60);
                rem <<= t;
                k = (k << t) + (ulong)(rem / Pi66);
                rem %= Pi66;
                left -= t;
            }
            bool neg = false;
            if (rem << 1 > Pi66) { rem = Pi66 - rem; neg = true; k++; }
            q = (int)(k & 3);
            r = new Wide(neg, 127 - 65, rem);
        }
        Wide s = SinSeries(r), c = CosSeries(r);
        (sin, cos) = q switch { 0 => (s, c), 1 => (c, -s), 2 => (-s, -c), _ => (-c, s) };
        if (a.Sign) sin = -sin;
    }

    static Wide SinSeries(Wide r)
    {
        if (r.IsZero) return r;
        Wide r2 = r * r, term = r, sum = r;
        for (int n = 1; n < 60; n++)
        {
            term = -(term * r2 / (2 * n * (2 * n + 1)));
            if (term.IsZero) break;
            sum += term;   // even a negligible term is added: its jam bit sets the rounding direction
            if (term.E < sum.E - 120) break;
        }
        return sum;
    }

    static Wide CosSeries(Wide r)
    {
        Wide r2 = r * r, term = Wide.One, sum = Wide.One;
        for (int n = 1; n < 60; n++)
        {
            term = -(term * r2 / ((2 * n - 1) * 2 * n));
            if (term.IsZero) break;
            sum += term;
            if (term.E < sum.E - 120) break;
        }
        return sum;
    }

    /// <summary>e^t - 1 by its Taylor series (|t| &lt;= ~4.5).</summary>
    static Wide Expm1(Wide t)
    {
        Wide term = t, sum = t;
        for (int n = 2; n < 200; n++)
        {
            term = term * t / n;
            if (term.IsZero) break;
            sum += term;
            if (term.E < sum.E - 120) break;
        }
        return sum;
    }

    /// <summary>log2 of a positive finite value.</summary>
    static Wide Log2(Wide x)
    {
        int e = x.E;
        var m = new Wide(false, 0, x.M);          // in [1, 2)
        if (Wide.CompareAbs(m, Wide.Sqrt2) > 0) { m = new Wide(false, -1, x.M); e++; }
        var s = (m - Wide.One) / (m + Wide.One);
        var l = Atanh(s) * Wide.Two * Wide.Log2E;
        return Wide.FromInt(e) + l;
    }

    /// <summary>atanh(s) = s + s^3/3 + s^5/5 + ... (|s| &lt;= 0.18).</summary>
    static Wide Atanh(Wide s)
    {
        if (s.IsZero) return s;
        Wide s2 = s * s, p = s, sum = s;
        for (int k = 3; k < 400; k += 2)
        {
            p *= s2;
            var t = p / k;
            if (t.IsZero) break;
            sum += t;
            if (t.E < sum.E - 120) break;
        }
        return sum;
    }

    /// <summary>atan(t) for 0 &lt;= t &lt;= 1.</summary>
    static Wide Atan01(Wide t)
    {
        if (Wide.CompareAbs(t, Wide.Sqrt2m1) <= 0) return AtanSeries(t);
        return Wide.PiQuarter + AtanSeries((t - Wide.One) / (t + Wide.One));
    }

    static Wide AtanSeries(Wide u)
    {
        if (u.IsZero) return u;
        Wide u2 = u * u, p = u, sum = u;
        for (int k = 3; k < 400; k += 2)
        {
            p = -(p * u2);
            var t = p / k;
            if (t.IsZero) break;
            sum += t;
            if (t.E < sum.E - 120) break;
        }
        return sum;
    }
}
