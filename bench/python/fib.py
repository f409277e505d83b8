# integer loops and a recursive function
import sys
scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
total = 0
for i in range(1_500_000 * scale):
    total = (total + i * i) % 1_000_003
print(total, fib(24 + scale))
