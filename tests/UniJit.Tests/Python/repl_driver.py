"""Drives an interactive program through a pseudo-terminal and prints what the terminal showed.

usage: repl_driver.py KEYS_FILE COMMAND [ARGS...]

KEYS_FILE holds one chunk of keystrokes per line, with C escapes (\\r, \\x1b, \\x04, ...). Before each
chunk the driver waits until the program shows a prompt ('>>> ' or '... ' at the end of what it
printed so far), so the transcript does not depend on timing. After the last chunk it waits for the
program to exit and prints the transcript (repr of the bytes, one line per chunk) and the exit status.
The unijit Python tests run it once with the native python3 and once under unijit and compare.
"""
import os, pty, select, signal, sys, time

PROMPTS = (b'>>> ', b'... ')


def main():
    keys = [line.rstrip('\n').encode().decode('unicode_escape').encode('latin-1')
            for line in open(sys.argv[1], encoding='utf-8') if line.strip() and not line.startswith('#')]
    cmd = sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        # a test host may run us with SIGINT ignored, which Python would inherit (and then Ctrl-C does nothing)
        for s in (signal.SIGINT, signal.SIGQUIT):
            signal.signal(s, signal.SIG_DFL)
        os.execv(cmd[0], cmd)
    out = bytearray()
    seen = 0

    def read(until_prompt, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if until_prompt and len(out) > seen and out.endswith(PROMPTS):
                # quiet for a moment: the prompt is the last thing the program wants to say
                r, _, _ = select.select([fd], [], [], 0.3)
                if not r:
                    return True
            else:
                r, _, _ = select.select([fd], [], [], 0.5)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    return False
                if not chunk:
                    return False
                out.extend(chunk)
        return False

    transcript = []
    for k in keys:
        ok = read(True, 300)
        transcript.append(bytes(out[seen:]))
        seen = len(out)
        if not ok:
            transcript.append(b'<no prompt>')
            break
        os.write(fd, k)
    read(False, 120)
    transcript.append(bytes(out[seen:]))
    _, status = os.waitpid(pid, 0)
    for t in transcript:
        print(repr(t))
    print('exit', os.waitstatus_to_exitcode(status))


main()
