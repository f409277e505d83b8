# death by signal: a wild read through ctypes (SIGSEGV) and os.abort (SIGABRT), as a native crash would be
# tiers: interp auto
# run: crash.py segv
# run: crash.py abort
import ctypes, os, sys
print('before', sys.argv[1], flush=True)
if sys.argv[1] == 'segv':
    ctypes.string_at(8)
else:
    os.abort()
print('not reached')
