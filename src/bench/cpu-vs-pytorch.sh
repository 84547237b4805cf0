#!/usr/bin/env bash
# Anneal against PyTorch eager on this CPU, taken as the README's CPU batches are:
#   src/bench/cpu-vs-pytorch.sh [ROUNDS] [STEPS]          (defaults: 3 rounds, 80 measured steps)
# Each round runs three trainings of the nano shape (micro batch 8 x 256, 2 threads, 10 warmup
# steps), back to back:
#   - nano_reference.py in bf16 autocast under glibc's defaults plus transparent huge pages (how
#     PyTorch runs unless told otherwise);
#   - nano_reference.py under the glibc settings that suit it best (one heap that keeps what a step
#     frees: PyTorch frees its gradients and full-vocabulary logits every step);
#   - ./anneal bench train --precision amp (bf16 matmuls where the CPU has them).
# For each run it prints tokens/s and the CPU seconds other processes used meanwhile (this
# machine's figures drift between batches: repeat a round whose others' time is high), then the
# mean of each and Anneal's ratio to each PyTorch mean. Set PYTHON to a python3 that has torch;
# build the jar first (./mvnw package -DskipTests).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROUNDS="${1:-3}"
STEPS="${2:-80}"
PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import torch' 2>/dev/null || { echo "cpu-vs-pytorch: $PYTHON has no torch (set PYTHON)" >&2; exit 1; }
[ -f "$ROOT/target/anneal.jar" ] || { echo "cpu-vs-pytorch: build the jar first: ./mvnw package -DskipTests" >&2; exit 1; }
[ -r /proc/stat ] || { echo "cpu-vs-pytorch: needs Linux (/proc/stat for other processes' CPU time)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "cpu-vs-pytorch: needs GNU time (apt-get install time)" >&2; exit 1; }

DEFAULT_GLIBC=glibc.malloc.hugetlb=1
BEST_GLIBC=glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296
WORK="$(mktemp -d /tmp/anneal-vs-pytorch.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

# All processes' CPU time in clock ticks (user, nice, system, irq, softirq).
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }

# run NAME GLIBC_TUNABLES COMMAND...: appends "NAME tokens/s others'-seconds" to $WORK/runs.
run() {
  local name="$1" tunables="$2" before after tps own others
  shift 2
  before="$(busy_ticks)"
  GLIBC_TUNABLES="$tunables" /usr/bin/time -f "%U %S" -o "$WORK/own" "$@" > "$WORK/out.json" 2> "$WORK/err" \
    || { cat "$WORK/err" >&2; echo "cpu-vs-pytorch: $name failed (above)" >&2; exit 1; }
  after="$(busy_ticks)"
  tps="$("$PYTHON" - "$WORK/out.json" <<'PY'
import json, sys
text = open(sys.argv[1]).read().strip()
try:
    figures = json.loads(text)  # anneal --json: one object
except ValueError:
    figures = json.loads(text.splitlines()[-1])  # nano_reference.py: its last line
print(round(figures["tokens_per_s"]))
PY
)"
  own="$(awk '{print $1 + $2}' "$WORK/own")"
  others="$(awk -v b="$before" -v a="$after" -v o="$own" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {x = (a - b) / hz - o; printf "%.2f", (x > 0 ? x : 0)}')"
  echo "$name $tps $others" >> "$WORK/runs"
  printf '%-16s %8s tokens/s   others used %s s of CPU\n' "$name" "$tps" "$others"
}

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round of $ROUNDS"
  reference=("$PYTHON" src/bench/python/nano_reference.py --threads 2 --warmup 10 --steps "$STEPS" --precision bf16)
  run pytorch-default "$DEFAULT_GLIBC" "${reference[@]}"
  run pytorch-best "$BEST_GLIBC" "${reference[@]}"
  # An empty GLIBC_TUNABLES: ./anneal then sets its own.
  run anneal "" ./anneal bench train --preset nano --threads 2 --warmup 10 --steps "$STEPS" \
    --precision amp --json
done

awk '
  { sum[$1] += $2; n[$1]++ }
  END {
    for (k in sum) mean[k] = sum[k] / n[k]
    printf "means over %d rounds: PyTorch default %.0f, PyTorch best %.0f, Anneal %.0f tokens/s\n",
      n["anneal"], mean["pytorch-default"], mean["pytorch-best"], mean["anneal"]
    printf "Anneal / PyTorch default: %.2fx; Anneal / PyTorch best: %.2fx\n",
      mean["anneal"] / mean["pytorch-default"], mean["anneal"] / mean["pytorch-best"]
  }' "$WORK/runs"
