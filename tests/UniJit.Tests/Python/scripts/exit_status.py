# sys.exit with a status, output on both streams, atexit handlers
# tiers: interp auto
# run: exit_status.py 7
# run: exit_status.py
# run: exit_status.py notanumber
import sys, atexit
atexit.register(lambda: print('atexit ran', file=sys.stderr))
print('to stdout', sys.argv)
print('to stderr', file=sys.stderr)
sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
