# json round trips
import json, sys
scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1
doc = {'items': [{'id': i, 'name': f'item {i}', 'price': i * 1.25, 'tags': ['a', 'b', str(i % 7)], 'ok': i % 2 == 0} for i in range(2_000)]}
n = 0
for _ in range(40 * scale):
    s = json.dumps(doc, sort_keys=True)
    back = json.loads(s)
    n += len(s) + len(back['items'])
print(n)
