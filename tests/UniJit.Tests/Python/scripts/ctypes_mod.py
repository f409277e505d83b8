# _ctypes through libffi: calls into libc and libm, structures, and callbacks (closures are
# trampolines libffi writes and then executes: the self-modifying-code path)
import ctypes, ctypes.util
libc = ctypes.CDLL(None)
libm = ctypes.CDLL(ctypes.util.find_library('m') or 'libm.so.6')
print(libc.strlen(b'hello world'), libc.abs(-42))
libm.cos.restype = ctypes.c_double; libm.cos.argtypes = [ctypes.c_double]
libm.ldexp.restype = ctypes.c_double; libm.ldexp.argtypes = [ctypes.c_double, ctypes.c_int]
print(libm.cos(1.0).hex(), libm.ldexp(0.5, 10))
buf = ctypes.create_string_buffer(64)
libc.snprintf(buf, 64, b'%d-%s-%.3f', 7, b'x', ctypes.c_double(2.5))
print(buf.value)
CMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))
calls = []
def cmp(a, b):
    calls.append(1)
    return a[0] - b[0]
arr = (ctypes.c_int * 12)(5, -3, 99, 0, 7, 7, 1, -100, 42, 8, 3, 2)
libc.qsort(arr, len(arr), ctypes.sizeof(ctypes.c_int), CMP(cmp))
print(list(arr), len(calls) > 0)
DCB = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_int, ctypes.c_longlong)
cbs = [DCB(lambda x, n, k, m=m: x * n + k + m) for m in range(20)]
print([cb(1.5, 2, 10**12) for cb in cbs[:5]])
class S(ctypes.Structure):
    _fields_ = [('a', ctypes.c_char), ('b', ctypes.c_int64), ('c', ctypes.c_float), ('d', ctypes.c_uint16 * 3)]
s = S(b'z', -5, 1.25, (1, 2, 3))
print(ctypes.sizeof(S), S.b.offset, S.c.offset, bytes(s).hex(), s.d[2])
class U(ctypes.Union):
    _fields_ = [('i', ctypes.c_uint32), ('f', ctypes.c_float)]
u = U(); u.f = 1.0; print(hex(u.i))
p = ctypes.cast(ctypes.c_char_p(b'pointer'), ctypes.c_void_p); print(ctypes.string_at(p.value, 4))
print(ctypes.c_int.from_buffer(bytearray(b'\x01\x02\x03\x04')).value, ctypes.c_long(-1).value, ctypes.c_ubyte(300).value)
