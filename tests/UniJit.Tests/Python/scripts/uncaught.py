# an uncaught exception: the traceback on stderr and exit status 1, then argument echo
# tiers: interp auto
# run: uncaught.py b
# run: uncaught.py a "two words"
import sys
print('args', sys.argv[1:])
sys.stdout.flush()
def f(x):
    return {'a': 1}[x]
f(sys.argv[1] if len(sys.argv) > 1 else 'b')
