#!/usr/bin/env bash
# CPU time of two commands, alternating: bench/cpu-ab.sh N "COMMAND A" "COMMAND B" runs each N times under
# `perf stat -e task-clock` (output discarded) and prints the median and minimum milliseconds of each.
# For start-up comparisons of two builds, where milliseconds matter and wall time is too noisy.
set -u
n=$1; a=$2; b=$3; ca=(); cb=()
for ((i = 0; i < n; i++)); do
  for k in a b; do
    c=${!k}
    ms=$(perf stat -x, -e task-clock bash -c "exec $c >/dev/null 2>&1" 2>&1 >/dev/null | grep task-clock | cut -d, -f1)
    if [ "$k" = a ]; then ca+=("${ms%.*}"); else cb+=("${ms%.*}"); fi
  done
done
med() { printf "%s\n" "$@" | sort -n | awk '{a[NR] = $1} END {m = (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2); printf "%d ms (min %d)", m, a[1]}'; }
echo "A cpu: $(med "${ca[@]}")   B cpu: $(med "${cb[@]}")"
