#!/usr/bin/env python3
"""Where a warm run's time goes, by guest function and inside one saved region (docs/PERFORMANCE.md,
nineteenth session). perf cannot name the methods of a translation-cache layer (ReadyToRun images are
not in the perf map), so this reads crossgen2's map of each layer (UNIJIT_R2RMAP=1 while the layer is
built), the layer's index (method rN is region N: its blocks' guest addresses), and the guest binary's
.eh_frame (function ranges, which stripped binaries keep) and dynamic symbols.

  rm -rf /tmp/cm; for i in 1 2 3; do UNIJIT_R2RMAP=1 UNIJIT_CACHE_WAIT=1 UNIJIT_CACHE_DIR=/tmp/cm ./unijit /usr/bin/python3 bench/python/fib.py; done
  UNIJIT_CACHE_DIR=/tmp/cm perf record -F 10000 -o /tmp/uj.data ./unijit /usr/bin/python3 bench/python/fib.py
  perf record -F 20000 -o /tmp/native.data /usr/bin/python3 bench/python/fib.py
  bench/region-profile.py functions /usr/bin/python3.11 /tmp/cm/python3-*/ /tmp/uj.data /tmp/native.data
  bench/region-profile.py regions   /usr/bin/python3.11 /tmp/cm/python3-*/ /tmp/uj.data
  bench/region-profile.py annotate  /usr/bin/python3.11 /tmp/cm/python3-*/ /tmp/uj.data LAYER rN
"""
import bisect, collections, glob, os, re, struct, subprocess, sys


def read_index(path):
    """Each region's block starts and entries, in method order (RegionRecipe.Write with built = true)."""
    b = open(path, 'rb').read()
    at = 9  # magic, version, built
    n, = struct.unpack_from('<i', b, at); at += 4
    regions = []
    for _ in range(n):
        blocks, = struct.unpack_from('<i', b, at); at += 4
        starts = []
        for _ in range(blocks):
            start, length = struct.unpack_from('<Qi', b, at); at += 12 + length
            starts.append(start)
        at += 8  # instructions, links
        count, = struct.unpack_from('<i', b, at); at += 4
        entries = struct.unpack_from('<%dQ' % count, b, at); at += 8 * count
        count, = struct.unpack_from('<i', b, at); at += 4 + 8 * count
        regions.append((starts, entries))
    return regions


def read_layers(cache_dir):
    """Per layer image name: its methods (rva, size, region number) and its regions."""
    layers = {}
    for index in glob.glob(os.path.join(cache_dir, '*.index')):
        base = index[:-len('.index')]
        if not os.path.exists(base + '.r2r.dll.map'):
            continue
        methods = []
        for line in open(base + '.r2r.dll.map'):
            m = re.match(r'(0x[0-9A-F]+) \| (0x[0-9A-F]+) .*Regions__r(\d+)  \(MethodWithGCInfo\)', line)
            if m:
                methods.append((int(m.group(1), 16), int(m.group(2), 16), int(m.group(3))))
        methods.sort()
        layers[os.path.basename(base) + '.r2r.dll'] = (methods, read_index(index), base + '.r2r.dll')
    return layers


def functions_of(binary):
    ranges = []
    out = subprocess.run(['readelf', '--debug-dump=frames', binary], capture_output=True, text=True).stdout
    for m in re.finditer(r'FDE.*pc=([0-9a-f]+)\.\.([0-9a-f]+)', out):
        ranges.append((int(m.group(1), 16), int(m.group(2), 16)))
    ranges.sort()
    names = {}
    for line in subprocess.run(['nm', '-D', '--defined-only', binary], capture_output=True, text=True).stdout.splitlines():
        p = line.split()
        if len(p) >= 3:
            names[int(p[0], 16)] = p[2]
    starts = [r[0] for r in ranges]

    def function(ip):
        i = bisect.bisect_right(starts, ip) - 1
        return ranges[i][0] if i >= 0 and ranges[i][0] <= ip < ranges[i][1] else None
    return function, lambda a: names.get(a, hex(a) if a is not None else '?')


def samples(data):
    """(dso, offset in it) of every sample."""
    out = subprocess.run(['perf', 'script', '-i', data, '-F', 'ip,dso', '--show-mmap-events'],
                         capture_output=True, text=True).stdout
    bases, result = {}, []
    for line in out.splitlines():
        m = re.search(r'PERF_RECORD_MMAP2? .*\[(0x[0-9a-f]+)\((0x[0-9a-f]+)\) @ (0x[0-9a-f]+|0) .*\]: [rwxp-]+ (\S+)', line)
        if m:
            bases.setdefault(os.path.basename(m.group(4)), []).append((int(m.group(1), 16), int(m.group(2), 16), int(m.group(3), 16)))
            continue
        p = line.split()
        if len(p) >= 2 and re.fullmatch(r'[0-9a-f]+', p[0]):
            dso = os.path.basename(p[1].strip('()'))
            ip = int(p[0], 16)
            off = None
            for start, length, pgoff in bases.get(dso, []):
                if start <= ip < start + length:
                    off = ip - start + pgoff
            result.append((dso, off, ip))
    return result


def by_region(layers, data):
    """Sample counts per (layer, region) and per offset inside each region's method, and the total."""
    per, offsets, total = collections.Counter(), collections.defaultdict(collections.Counter), 0
    for dso, off, _ in samples(data):
        total += 1
        if dso not in layers or off is None:
            continue
        methods = layers[dso][0]
        rva = off + 0x10000  # the runtime maps .text (file 0x200, RVA 0x10200) at the image base + 0x10000
        i = bisect.bisect_right(methods, (rva, 1 << 62, 0)) - 1
        if i >= 0 and methods[i][0] <= rva < methods[i][0] + methods[i][1]:
            per[(dso, methods[i][2])] += 1
            offsets[(dso, methods[i][2])][rva - methods[i][0]] += 1
    return per, offsets, total


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    verb, binary, cache_dir, data = sys.argv[1:5]
    layers = read_layers(cache_dir)
    function, name = functions_of(binary)
    per, offsets, total = by_region(layers, data)
    if verb == 'functions':
        uj = collections.Counter()
        for (dso, r), n in per.items():
            uj[function(layers[dso][1][r][0][0])] += n
        inside = sum(uj.values())
        nat, ntotal = collections.Counter(), 0
        if len(sys.argv) > 5:
            for dso, off, ip in samples(sys.argv[5]):
                ntotal += 1
                if os.path.basename(binary).split('.')[0] in dso:
                    nat[function(ip)] += 1
        print(f'{inside * 100 / total:.1f} % of the samples in saved regions; shares below are of those'
              + (' (native: of all its samples)' if ntotal else ''))
        print(f'{"function (a region counts for its first block)":48} {"unijit %":>8} {"native %":>8} {"ratio":>6}')
        for f, n in uj.most_common(25):
            a = 100 * n / inside
            b = 100 * nat[f] / ntotal if ntotal else 0
            print(f'{name(f):48} {a:8.2f} {b:8.2f} {a / b if b else 0:6.2f}')
    elif verb == 'regions':
        for (dso, r), n in per.most_common(20):
            starts, entries = layers[dso][1][r]
            print(f'{100 * n / total:6.2f} %  {dso} r{r}  at {starts[0]:#x} ({name(function(starts[0]))}), '
                  f'{len(starts)} blocks, {len(entries)} entries')
    elif verb == 'annotate':
        dso, r = sys.argv[5], int(sys.argv[6].lstrip('r'))
        methods, _, image = layers[dso]
        rva, size, _ = next(m for m in methods if m[2] == r)
        code = open(image, 'rb').read()[rva - 0x10000: rva - 0x10000 + size]
        with open('/tmp/region-profile.bin', 'wb') as f:
            f.write(code)
        dis = subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '--no-show-raw-insn',
                              '/tmp/region-profile.bin'], capture_output=True, text=True).stdout
        lines = [(int(m.group(1), 16), m.group(2)) for m in re.finditer(r'^\s+([0-9a-f]+):\s+(.*)$', dis, re.M)]
        addrs = [a for a, _ in lines]
        hits = collections.Counter()
        for off, n in offsets[(dso, r)].items():
            hits[addrs[bisect.bisect_right(addrs, off) - 1]] += n
        here = max(1, sum(hits.values()))
        for a, text in lines:
            print(f'{100 * hits[a] / here:5.1f} {a:5x}: {text}')
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
