# zlib, _bz2, _lzma, gzip, binascii, base64
import zlib, bz2, lzma, gzip, binascii, base64, io
payload = b''.join(b'line %d: %s\n' % (i, b'abc' * (i % 17)) for i in range(800))
for level in (0, 1, 6, 9):
    c = zlib.compress(payload, level)
    print('zlib', level, len(c), zlib.crc32(c), zlib.decompress(c) == payload)
print(zlib.crc32(payload), zlib.adler32(payload), hex(binascii.crc32(b'hello')), binascii.crc_hqx(b'abc', 0))
co = zlib.compressobj(9, zlib.DEFLATED, -15); raw = co.compress(payload) + co.flush()
do = zlib.decompressobj(-15); print(len(raw), do.decompress(raw[:1000]) + do.decompress(raw[1000:]) == payload)
for level in (1, 9):
    c = bz2.compress(payload, level)
    print('bz2', level, len(c), bz2.decompress(c) == payload)
for preset in (0, 6):
    c = lzma.compress(payload, preset=preset)
    print('xz', preset, len(c), lzma.decompress(c) == payload)
c = lzma.compress(payload, format=lzma.FORMAT_ALONE); print('alone', len(c), lzma.decompress(c) == payload)
c = lzma.compress(payload, format=lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_DELTA, "dist": 4}, {"id": lzma.FILTER_LZMA2}])
print('raw', len(c), lzma.decompress(c, format=lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_DELTA, "dist": 4}, {"id": lzma.FILTER_LZMA2}]) == payload)
buf = io.BytesIO()
with gzip.GzipFile(fileobj=buf, mode='wb', mtime=0) as f:
    f.write(payload)
print('gzip', len(buf.getvalue()), zlib.crc32(buf.getvalue()), gzip.decompress(buf.getvalue()) == payload)
try:
    zlib.decompress(b'not zlib')
except zlib.error as e:
    print('zlib.error', e)
try:
    lzma.decompress(b'not xz at all')
except lzma.LZMAError as e:
    print('LZMAError', e)
print(base64.b64encode(payload[:60]), base64.b85encode(b'\x00\xffhello'), base64.b32decode(base64.b32encode(b'xyz')), binascii.hexlify(b'\x01\xfe', '-'))
