# cmath: complex functions and formatting
import cmath
zs = [complex(a / 3, b / 5) for a in range(-4, 5, 2) for b in range(-3, 4, 3)]
for z in zs:
    out = []
    for f in ['sqrt', 'exp', 'log', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh']:
        try:
            w = getattr(cmath, f)(z)
            out.append(f"{w.real.hex()},{w.imag.hex()}")
        except ValueError as e:
            out.append(f"{f}:{e}")
    print(repr(z), cmath.phase(z).hex(), abs(z).hex(), cmath.polar(z), ' '.join(out))
print(cmath.rect(2, 1), cmath.isclose(1 + 1j, 1 + 1.0000000001j), complex('1+2j') ** 3, (1 + 2j) / (3 - 4j), cmath.inf, cmath.nanj)
print(format(3.14159 - 2.5j, '.3f'), format(1j, '>20'), complex(1e300, 1e300) * 10)
