# string building and regular expressions
import re, sys
scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1
pat = re.compile(r'(\w+)@(\w+)\.(com|org)')
n = 0
for r in range(8 * scale):
    parts = [f'user{i}@host{i % 97}.{"com" if i % 3 else "org"} ' for i in range(20_000)]
    text = ''.join(parts)
    n += sum(1 for m in pat.finditer(text) if m.group(3) == 'org')
    n += len(text.upper().replace('HOST', 'h').split())
print(n)
