#!/usr/bin/env bash
# The command-line figures of docs/performance.md: memory and speed of
# `accord advise --batch` on 1,000,000 twelve-rule cases, and full advice (`--format jsonl`,
# shipped rules) on the project's fixtures repeated to 100,000 lines.
#
#   benches/cli.sh [GEN_CASES_PY]
#
# GEN_CASES_PY is the benchmark's generator (default /work/shared/bench/gen_cases.py).
# Large files go to ${TMPDIR:-/tmp}, never into the repository. Needs python3 and
# /usr/bin/time (GNU time, for the maximum resident set size).
set -euo pipefail

cd "$(dirname "$0")/.."
gen=${1:-/work/shared/bench/gen_cases.py}
tmp=${TMPDIR:-/tmp}
accord=target/release/accord

cargo build --release --quiet
echo "load: $(uptime)"

if [ ! -s "$tmp/accord-1m.jsonl" ]; then
  python3 "$gen" 1000000 42 > "$tmp/accord-1m.jsonl"
fi
if [ ! -s "$tmp/accord-fixtures-100k.jsonl" ]; then
  python3 - "$tmp/accord-fixtures-100k.jsonl" <<'EOF'
import glob, itertools, json, sys
lines = [json.dumps(json.load(open(p)), separators=(",", ":"), ensure_ascii=False)
         for p in sorted(glob.glob("fixtures/*.json"))]
with open(sys.argv[1], "w") as out:
    for line in itertools.islice(itertools.cycle(lines), 100000):
        out.write(line + "\n")
EOF
fi

for jobs in 1 2; do
  echo "== twelve rules, 1,000,000 cases, --format ids --jobs $jobs"
  /usr/bin/time -v "$accord" advise --rules benches/twelve/rules.accord --batch "$tmp/accord-1m.jsonl" \
    --format ids --jobs "$jobs" 2> "$tmp/accord-time.txt" > /dev/null
  grep -E "cases per second|Maximum resident set size|User time|System time|Percent of CPU" "$tmp/accord-time.txt"
done

for jobs in 1 2; do
  echo "== full advice, shipped rules, fixtures x 100,000 lines, --format jsonl --jobs $jobs"
  /usr/bin/time -v "$accord" advise --batch "$tmp/accord-fixtures-100k.jsonl" --format jsonl \
    --as-of 2013-06-01 --jobs "$jobs" 2> "$tmp/accord-time.txt" > /dev/null
  grep -E "cases per second|Maximum resident set size|User time|System time|Percent of CPU" "$tmp/accord-time.txt"
done
echo "load: $(uptime)"
