# math functions, float repr/hex, struct packing of floats: bit-exact with the host
import math, struct
vals = [0.0, -0.0, 1.0, 0.1, 1/3, 2.5e-310, 1e308, math.pi, math.e, -7.25, 123456789.123456789, 5e-324, float('inf'), float('nan')]
for v in vals:
    print(repr(v), v.hex(), struct.pack('<d', v).hex(), struct.pack('<f', v if abs(v) < 3e38 or v != v or math.isinf(v) else 0.0).hex())
    print(f"{v:.17g} {v:e} {v:%} {v:g} {v:+.3f}" if not math.isnan(v) else "nan-fmt", format(v, 'a') if False else '')
xs = [x / 7 for x in range(1, 60)]
for f in ['sqrt', 'exp', 'log', 'log2', 'log10', 'sin', 'cos', 'tan', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'expm1', 'log1p', 'erf', 'erfc', 'gamma', 'lgamma', 'cbrt', 'exp2']:
    fn = getattr(math, f)
    print(f, [fn(x).hex() for x in xs])
for x in xs[:14]:
    print(math.asin(x / 9).hex(), math.acos(x / 9).hex(), math.atanh(x / 9).hex(), math.acosh(1 + x).hex())
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.hypot(3, 4, 12), math.dist((1, 2), (4, 6)))
print(math.factorial(50), math.comb(100, 37), math.perm(20, 7), math.gcd(2**64, 6**30), math.lcm(12, 18, 33), math.isqrt(10**40 + 12345))
print(math.floor(-2.5), math.ceil(-2.5), round(2.5), round(3.5), round(2.675, 2), math.trunc(-9.99), math.fmod(-7, 3), math.remainder(7, 3))
print(math.frexp(1234.5), math.ldexp(0.75, 20), math.modf(-3.75), math.copysign(1, -0.0), math.nextafter(1.0, 2.0).hex(), math.ulp(1e300))
print(float.fromhex('0x1.fffffffffffffp+1023'), float('1e-400'), float('  -12.5e3 '), 1e22, 1e23, 9007199254740993.0)
print(0.1 + 0.2, 1 / 3 * 3, 2 ** 0.5, 10 ** -5, (-8) ** (1 / 3), divmod(-7.5, 2), 7.0 // 0.1, 7.0 % 0.1)
print(struct.unpack('<e', struct.pack('<e', 1.5)), struct.pack('<e', 65504.0).hex(), struct.pack('>d', -1.5).hex())
print(float(10**300 + 1), int(1e300), (1e300).as_integer_ratio()[1], (0.1).as_integer_ratio())
try:
    math.sqrt(-1)
except ValueError as e:
    print('ValueError', e)
try:
    math.exp(1000)
except OverflowError as e:
    print('OverflowError', e)
