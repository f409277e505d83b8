# big integers, unicode, exceptions with tracebacks, generators, closures, classes
import sys, traceback, unicodedata, itertools, functools, re
n = 3 ** 1000 - 7 ** 300
print(n % (10**9 + 7), len(str(n)), n.bit_length(), hex(n)[:40], (n * n) // (n - 1) - n, pow(3, 10**5, 10**9 + 7), pow(5, -1, 97))
print(2**521 - 1, divmod(-(10**50), 7), (-(10**40)) >> 3, (1 << 200) | 5, ~(10**30), int('9' * 400) % 1234567)
print(int.from_bytes(b'\xff' * 20, 'little', signed=True), (2**100).to_bytes(16, 'big').hex(), int('z' * 20, 36), format(10**25, ',d'))
f = 1
for i in range(1, 600): f *= i
print(sum(map(int, str(f))), str(f)[-30:])
s = 'Ünïcödé ß ﬃ Ǆ 中文 😀 \u0301e'
print(s.upper(), s.lower(), s.casefold(), s.title(), len(s), s.encode('utf-8').hex(), s.encode('utf-16-le')[:12])
print([unicodedata.name(c, '?') for c in 'aß中😀'], unicodedata.normalize('NFD', 'é') == 'e\u0301', unicodedata.category('٣'), '٣'.isdigit(), int('٣'))
print('x'.join(sorted(set('hello world'))), 'abc'.center(11, '*'), '%-8s|%08.3f|%x|%r' % ('s', -3.14159, 255, 'q'), f"{'nested':>{10}}")
print(re.findall(r'(\w+)@(\w+)\.com', 'a@b.com, cc@dd.com'), re.sub(r'\d+', lambda m: str(int(m.group()) * 2), 'a1b22c333'), re.split(r'\s*[,;]\s*', 'x , y;z'))
def gen(n):
    for i in range(n):
        x = yield i * i
        if x: yield 'sent %s' % x
g = gen(5); print(next(g), next(g), g.send('hi'), list(g))
def deleg():
    r = yield from gen(3)
    return r
print(list(deleg()), list(itertools.islice(itertools.count(10, 3), 5)), list(itertools.permutations('abc', 2))[:4])
print(functools.reduce(lambda a, b: a * b, range(1, 20)), functools.lru_cache()(lambda x: x + 1)(41))
class E(Exception):
    def __init__(self, v): super().__init__(v); self.v = v
def deep(k):
    if k == 0: raise E('bottom')
    return deep(k - 1)
try:
    deep(5)
except E as e:
    tb = traceback.format_exc()
    print(tb.replace(__file__, 'FILE'))
try:
    try:
        1 / 0
    except ZeroDivisionError as z:
        raise KeyError('k') from z
except KeyError:
    print(''.join(traceback.format_exception(*sys.exc_info())).replace(__file__, 'FILE'))
try:
    {}['missing']
except LookupError as e:
    print(repr(e), type(e).__mro__)
def rec(n): return rec(n + 1)
try:
    rec(0)
except RecursionError as e:
    print('RecursionError', e)
eg = ExceptionGroup('group', [ValueError(1), TypeError(2)])
try:
    raise eg
except* ValueError as g:
    print('caught', g.exceptions)
except* TypeError as g:
    print('caught', g.exceptions)
class Meta(type):
    def __new__(m, name, bases, ns): ns['tag'] = name.lower(); return super().__new__(m, name, bases, ns)
class A(metaclass=Meta):
    __slots__ = ('x',)
    def __init__(self, x): self.x = x
    def __repr__(self): return f'A({self.x!r})'
print(A(3), A.tag, sorted([A(2), A(1)], key=lambda a: a.x), sys.getrecursionlimit())
import asyncio
async def co(i):
    await asyncio.sleep(0)
    return i * 10
async def main():
    return await asyncio.gather(*(co(i) for i in range(5)))
print(asyncio.run(main()))
