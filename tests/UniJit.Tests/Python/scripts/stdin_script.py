# the script itself arrives on standard input: `python3 -` and `python3 - args`
# tiers: interp auto
# run: -
# run: - first "second arg"
# stdin: @self
import sys
print('argv', sys.argv, 'name', __name__, 'file' in dir())
print(sum(i * i for i in range(1000)), sys.stdin.read() == '')
