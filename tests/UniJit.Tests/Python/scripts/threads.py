# threading (needs clone with CLONE_THREAD) and a thread pool
# tiers: auto
import threading, concurrent.futures
total = [0]
lock = threading.Lock()
def work(n):
    for _ in range(n):
        with lock:
            total[0] += 1
ts = [threading.Thread(target=work, args=(1000,)) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(total[0])
with concurrent.futures.ThreadPoolExecutor(3) as ex:
    print(sorted(ex.map(lambda x: x * x, range(10))))
