# signal.signal / os.kill / signal.alarm reach Python handlers (needs guest signal delivery)
# tiers: auto
import signal, os, time
got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
os.kill(os.getpid(), signal.SIGUSR1)
print('handler ran', got == [signal.SIGUSR1])
signal.signal(signal.SIGALRM, lambda s, f: got.append('alarm'))
signal.setitimer(signal.ITIMER_REAL, 0.05)
for _ in range(200):
    if 'alarm' in got: break
    time.sleep(0.01)
print('alarm', 'alarm' in got)
try:
    os.kill(os.getpid(), signal.SIGINT)
    for _ in range(100): time.sleep(0.01)
except KeyboardInterrupt:
    print('KeyboardInterrupt')
