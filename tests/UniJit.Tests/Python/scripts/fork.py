# fork: os.fork with a pipe and exit statuses (exit code, death by signal), copy-on-write memory,
# multiprocessing with the fork start method: a Pool map, a Process sharing a Value and a Lock
# (anonymous MAP_SHARED memory and a POSIX semaphore in /dev/shm)
# tiers: interp auto
import multiprocessing as mp
import os, signal, sys

def square(x):
    return x * x

def add(v, lock, n):
    for _ in range(n):
        with lock:
            v.value += 1

if __name__ == '__main__':
    data = [1, 2, 3]
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        data.append(4)
        os.write(w, repr((data, os.getppid() > 1)).encode())
        os._exit(5)
    os.close(w)
    with os.fdopen(r, 'rb') as f:
        got = f.read().decode()
    _, st = os.waitpid(pid, 0)
    print('child said', got, 'status', os.waitstatus_to_exitcode(st), 'parent data', data)

    pid = os.fork()
    if pid == 0:
        os.kill(os.getpid(), signal.SIGTERM)
        os._exit(0)
    _, st = os.waitpid(pid, 0)
    print('signalled:', os.WIFSIGNALED(st), os.WTERMSIG(st))

    ctx = mp.get_context('fork')
    with ctx.Pool(2) as pool:
        print(pool.map(square, range(10)))
    v = ctx.Value('i', 0)
    lock = ctx.Lock()
    procs = [ctx.Process(target=add, args=(v, lock, 50)) for _ in range(2)]
    for p in procs: p.start()
    for p in procs: p.join()
    print('shared value', v.value, 'exit codes', [p.exitcode for p in procs])
    sys.stdout.flush()
