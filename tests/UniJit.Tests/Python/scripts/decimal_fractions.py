# _decimal (libmpdec) at high precision, fractions, statistics
import decimal, fractions, statistics
from decimal import Decimal as D
decimal.getcontext().prec = 200
print(D(2).sqrt())
print(D(1).exp())
print(D(10).ln())
print(D(2).log10())
print(D(1) / D(7))
print((D('1.1') ** 100).quantize(D('1e-50')))
decimal.getcontext().prec = 28
print(D('0.1') + D('0.2'), D('1.30') * D('1.20'), D('7').quantize(D('0.01'), rounding=decimal.ROUND_HALF_EVEN))
print(D(0.1), D('123.456e-7').normalize(), D('-0'), D('NaN'), D('Infinity') * -1, D(10) ** 30, D('1e999999').adjusted())
for r in [decimal.ROUND_UP, decimal.ROUND_DOWN, decimal.ROUND_CEILING, decimal.ROUND_FLOOR, decimal.ROUND_HALF_UP, decimal.ROUND_HALF_DOWN, decimal.ROUND_05UP]:
    print(r, [str(D(x).quantize(D('1'), rounding=r)) for x in ['2.5', '-2.5', '1.05', '-0.5', '3.999']])
with decimal.localcontext() as ctx:
    ctx.traps[decimal.DivisionByZero] = True
    try:
        D(1) / D(0)
    except decimal.DivisionByZero as e:
        print('DivisionByZero', type(e).__name__)
ctx = decimal.Context(prec=50, Emax=99, Emin=-99)
print(ctx.power(D(3), D('0.5')), ctx.divide(D(22), D(7)), ctx.create_decimal('1.234567890123456789e98') * 100)
F = fractions.Fraction
print(F(1, 3) + F(1, 6), F('3.1415926535').limit_denominator(1000), F(0.1), sum(F(1, n) for n in range(1, 30)))
print(statistics.mean([1, 2, 3, 4.5]), statistics.median([5, 1, 3, 2]), statistics.stdev([1.5, 2.5, 2.5, 2.75, 3.25, 4.75]))
print(statistics.fmean([F(1, 3), 2.5, D('1.5') if False else 1.5]), statistics.variance([F(1, 2), F(3, 4), F(5, 4)]))
