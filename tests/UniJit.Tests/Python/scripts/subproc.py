# subprocess: vfork + execve in the guest (children run under unijit too), pipes, exit statuses;
# `shell`: a shell pipeline, for which /bin/sh forks
# tiers: interp auto
# run: subproc.py
# run: subproc.py shell
import subprocess, sys
if sys.argv[1:] == ['shell']:
    print(subprocess.check_output('echo one two | tr a-z A-Z', shell=True))
    sys.exit(0)
r = subprocess.run([sys.executable, '-c', 'import sys; print("child", sys.argv[1:]); sys.exit(3)', 'a b'], capture_output=True, text=True)
print(r.returncode, r.stdout, r.stderr)
p = subprocess.Popen(['cat'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
out, _ = p.communicate(b'through cat\n' * 3)
print(p.returncode, out)
try:
    subprocess.run(['/nonexistent/program'])
except FileNotFoundError as e:
    print('FileNotFoundError', e.errno, e.filename)
print(subprocess.call(['/bin/sh', '-c', 'exit 7']), subprocess.call('exit 5', shell=True))
