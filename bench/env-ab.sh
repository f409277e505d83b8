#!/bin/bash
# Compares settings of one build on one command, in turn, N times; prints each setting's CPU seconds
# (user + system, GNU time), their median and their minimum (interference only adds time). On a shared machine only such alternating runs say
# anything about a small change.
#   bench/env-ab.sh N "UNIJIT_LOCALS=16" "UNIJIT_LOCALS=8" -- .build/unijit/unijit --no-cache PROGRAM ARGS
set -u
n=$1; shift; envs=()
while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
out=$(mktemp); trap 'rm -f "$out"' EXIT
declare -A res
for ((i = 0; i < n; i++)); do
  for k in "${!envs[@]}"; do
    env ${envs[$k]} /usr/bin/time -o "$out" -f "%U %S" "$@" >/dev/null 2>&1
    res[$k]="${res[$k]:-} $(tail -1 "$out" | awk '{print $1 + $2}')"
  done
done
for k in "${!envs[@]}"; do
  m=$(printf "%s\n" ${res[$k]} | sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}')
  lo=$(printf "%s\n" ${res[$k]} | sort -n | head -1)
  echo "${envs[$k]}:${res[$k]} | median $m, min $lo"
done
