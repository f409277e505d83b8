# _json, _pickle, _struct, array, copy, collections
import json, pickle, struct, array, collections, copy, io
data = {"a": [1, 2.5, None, True, "x\u00e9\u4e2d\U0001F600"], "b": {"n": -10**30, "f": 1e-7}, "c": "tab\tquote\"back\\"}
s = json.dumps(data, sort_keys=True)
print(s)
print(json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2))
print(json.loads(s) == data, json.loads('[1e400, -0.0, 12345678901234567890, "\\ud83d\\ude00"]'))
try:
    json.loads('{"a": [1, 2,]}')
except json.JSONDecodeError as e:
    print('JSONDecodeError', e)
big = [{"k%d" % i: [i, i * 0.5, str(i)]} for i in range(2000)]
assert json.loads(json.dumps(big)) == big
for proto in range(pickle.HIGHEST_PROTOCOL + 1):
    p = pickle.dumps((data, big[:50], {1, 2, 3}, frozenset('ab'), b'bytes', bytearray(b'ba'), 3 + 4j), protocol=proto)
    print(proto, len(p), pickle.loads(p)[0] == data)
Point = collections.namedtuple('Point', 'x y')
print(pickle.loads(pickle.dumps(Point(1, 2))), pickle.loads(pickle.dumps(collections.OrderedDict(a=1, b=2))))
print(struct.pack('<bhilqBHILQ?xc', -1, -2, -3, -4, -5, 1, 2, 3, 4, 5, True, b'z').hex())
print(struct.pack('>10sp3xN', b'hello', b'pp', 7).hex() if False else struct.pack('>10s3x', b'hello').hex())
print(struct.unpack('<IhQ', bytes(range(14))), struct.calcsize('@bqhid'), struct.calcsize('=bqhid'))
st = struct.Struct('!HH4sd')
print(st.pack(1, 2, b'abcd', 2.5).hex(), list(struct.iter_unpack('<h', b'\x01\x00\x02\x00\xff\xff')))
try:
    struct.pack('<b', 300)
except struct.error as e:
    print('struct.error', e)
a = array.array('d', [x * 0.25 for x in range(10)])
a.extend([1e100, -2.5])
b = array.array('i', range(-5, 5)); b.byteswap()
print(a, a.tobytes().hex()[:64], b, array.array('u', 'h\u00e9llo').tounicode(), array.array('B', b'xyz').tolist())
c = collections.Counter('abracadabra')
print(sorted(c.items()), c.most_common(2), collections.deque(range(10), maxlen=4), copy.deepcopy([[1], {2: [3]}]))
