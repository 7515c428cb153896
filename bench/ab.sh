#!/bin/bash
# ab.sh: two (or more) pkginstall binaries on the 55-distribution set,
# alternating inside every round, so that a before/after comparison sees
# the same load. Each round and binary: a cold install (empty cache, new
# project), a warm install (the cache the cold one filled, new project),
# then cp -r and cp -al of the cold tree; with COMPILE=1 both installs
# pass --compile. Prints one line per run: wall seconds, user+system CPU
# and peak RSS (GNU time), the cold run's phases (PKGINSTALL_PHASES) and
# the load average.
#
#   go run ./bench -serve -delay 0 &          # prints the index URL
#   bench/ab.sh DIR URL ROUNDS OLD-BINARY NEW-BINARY
#
# DIR is the scratch directory (a tmpfs to take the disk out). Environment:
# PYTHON (default python3.11 on PATH that lacks boto3: give one), COMPILE.
set -eu
dir=$1 url=$2 rounds=$3
shift 3
py=${PYTHON:-python3.11}
set_="boto3 flask sympy networkx pydantic moto ipython jsonschema"
opt=()
[ "${COMPILE:-}" = 1 ] && opt=(--compile)
secs() { echo "$2 - $1" | bc; }
phases() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join("%s=%.2f" % (k, v["wall_s"]) for k, v in sorted(d.items())))' "$1"
}
run() { # run BIN CACHE PROJECT PHASES TIMES
	TMPDIR=$d/tmp PKGINSTALL_PHASES=$4 /usr/bin/time -o "$5" -f "%U+%S %MkB" "$1" --python "$py" \
		--cache-dir "$2" --project "$3" --quiet install "${opt[@]}" --index-url "$url" $set_ 2>/dev/null
}
for r in $(seq "$rounds"); do
	for b in "$@"; do
		d=$dir/$(basename "$b")-$r
		rm -rf "$d"
		mkdir -p "$d/tmp" "$d/p1" "$d/p2"
		sync
		s=$(date +%s.%N); run "$b" "$d/cache" "$d/p1" "$d/ph-cold.json" "$d/tc"; cold=$(secs "$s" "$(date +%s.%N)")
		sync
		s=$(date +%s.%N); run "$b" "$d/cache" "$d/p2" "$d/ph-warm.json" "$d/tw"; warm=$(secs "$s" "$(date +%s.%N)")
		sync
		s=$(date +%s.%N); cp -r "$d/p1/__pypackages__" "$d/cpr"; cpr=$(secs "$s" "$(date +%s.%N)")
		s=$(date +%s.%N); cp -al "$d/p1/__pypackages__" "$d/cpal"; cpal=$(secs "$s" "$(date +%s.%N)")
		echo "round $r $(basename "$b") cold $cold cpu $(cat "$d/tc") warm $warm cpu $(cat "$d/tw") cp-r $cpr cp-al $cpal" \
			"load $(cut -d' ' -f1 /proc/loadavg) cold: $(phases "$d/ph-cold.json") warm: $(phases "$d/ph-warm.json")"
		rm -rf "$d"
	done
done
