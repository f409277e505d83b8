# select, mmap, _socket over AF_UNIX, os and file I/O
import select, mmap, socket, os, tempfile, io, errno
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
a.sendall(b'ping' * 1000)
r, w, x = select.select([b], [a], [], 1.0)
print(len(r), len(w), len(x))
got = b''
while len(got) < 4000:
    got += b.recv(65536)
print(len(got), got[:8])
p = select.poll(); p.register(b, select.POLLIN); print(p.poll(0))
ep = select.epoll(); ep.register(b.fileno(), select.EPOLLIN); a.send(b'x'); print([(fd == b.fileno(), ev) for fd, ev in ep.poll(1)]); ep.close()
print(b.recv(10)); a.close(); print(b.recv(10)); b.close()
d1, d2 = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
d1.send(b'one'); d1.send(b'two'); print(d2.recv(100), d2.recv(100)); d2.setblocking(False)
try:
    d2.recv(10)
except BlockingIOError as e:
    print('BlockingIOError', e.errno == errno.EAGAIN)
d1.close(); d2.close()
with tempfile.TemporaryDirectory() as d:
    sp = os.path.join(d, 's')
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); srv.bind(sp); srv.listen(1)
    cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); cli.connect(sp)
    conn, _ = srv.accept(); cli.sendall(b'hello server'); print(conn.recv(100), srv.getsockname() == sp)
    conn.close(); cli.close(); srv.close()
    path = os.path.join(d, 'f.bin')
    with open(path, 'wb') as f:
        f.write(b'\0' * 8192)
    with open(path, 'r+b') as f:
        m = mmap.mmap(f.fileno(), 0)
        m[0:5] = b'HELLO'; m[4096:4100] = b'PAGE'; m.flush()
        print(len(m), m[:5], m.find(b'PAGE'), m.size())
        m.resize(16384); m[-3:] = b'END'; m.close()
    with open(path, 'rb') as f:
        data = f.read(); print(len(data), data[:5], data[4096:4100], data[-3:])
    an = mmap.mmap(-1, 10000); an.write(b'anon'); an.seek(0); print(an.read(4), an.tell()); an.close()
    os.mkdir(os.path.join(d, 'sub')); open(os.path.join(d, 'sub', 'z'), 'w').write('zz')
    print(sorted(os.listdir(d)), [(r[len(d):], sorted(ds), sorted(fs)) for r, ds, fs in os.walk(d)])
    st = os.stat(path); print(st.st_size, oct(st.st_mode & 0o777 | 0), os.path.getsize(path))
    os.rename(path, path + '2'); print(os.path.exists(path), os.path.exists(path + '2'))
    try:
        os.open(os.path.join(d, 'missing'), os.O_RDONLY)
    except FileNotFoundError as e:
        print('FileNotFoundError', e.errno, e.strerror)
rfd, wfd = os.pipe(); os.write(wfd, b'through a pipe'); os.close(wfd); print(os.read(rfd, 100)); os.close(rfd)
print(os.getcwd() == os.path.realpath('.'), os.environ.get('UNIJIT_TEST_A'), os.cpu_count() is not None)
