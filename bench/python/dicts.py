# dict and list churn
import sys
scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1
d = {}
acc = 0
for round in range(12 * scale):
    for i in range(40_000):
        d[i * 7 % 50_021] = d.get(i % 1_000, 0) + i
    items = sorted(d.items(), key=lambda kv: kv[1])[:1000]
    acc += sum(k for k, _ in items) + len([v for v in d.values() if v & 1])
    lst = list(range(30_000)); lst.reverse(); lst.sort(); acc += lst[12345]
    d.clear()
print(acc)
