#!/bin/sh
# one-wheel.sh: install one wheel (botocore by default: the largest of the
# wheelhouse) side by side with pip, alternating, and print the medians.
#
#   bench/one-wheel.sh [WHEEL] [ROUNDS]
#
# WHEEL defaults to the botocore wheel of the benchmark's wheelhouse
# (go run ./bench builds it under ~/.cache/pkginstall-bench/wheelhouse).
# Environment: PYTHON (default python3.11), the interpreter pip runs under
# and pkginstall targets; PKGINSTALL (default: built from this checkout).
#
# Cases, each with a new target directory, in this order every round:
#   pip        pip install --no-deps --no-compile --no-cache-dir --target
#   pk-cold    pkginstall install --no-deps, empty cache (unpack into the
#              cache, then link into __pypackages__)
#   pk-nocache pkginstall install --no-deps --no-cache (straight from the
#              wheel into __pypackages__, as pip does)
#   pk-warm    pkginstall install --no-deps, the cache pk-cold filled
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
wheel=${1:-}
rounds=${2:-5}
py=${PYTHON:-python3.11}
if [ -z "$wheel" ]; then
	wheel=$(ls "${HOME}"/.cache/pkginstall-bench/wheelhouse/files/botocore-*.whl 2>/dev/null | head -n 1)
fi
if [ -z "$wheel" ] || [ ! -f "$wheel" ]; then
	echo "error: no wheel given and no botocore wheel in ~/.cache/pkginstall-bench/wheelhouse (run go run ./bench once)" >&2
	exit 2
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
pk=${PKGINSTALL:-}
if [ -z "$pk" ]; then
	pk=$scratch/pkginstall
	(cd "$here" && go build -o "$pk" ./cmd/pkginstall)
fi
pyexe=$("$py" -c 'import sys; print(sys.executable)')

now() { date +%s.%N; }
# timed CASE ROUND CMD...: runs CMD after sync(1) and appends the seconds.
timed() {
	c=$1 r=$2
	shift 2
	sync
	t0=$(now)
	"$@" >"$scratch/out" 2>&1 || { echo "error: $c failed:" >&2; cat "$scratch/out" >&2; exit 1; }
	t1=$(now)
	echo "$t1 $t0" | awk '{ printf "%.3f\n", $1 - $2 }' >>"$scratch/$c.times"
}

echo "wheel: $(basename "$wheel") ($(unzip -l "$wheel" | tail -n 1 | awk '{ print $2 }') files)"
echo "python: $pyexe; $($py -m pip --version | cut -d' ' -f1-2); $("$pk" --version)"
for r in $(seq "$rounds"); do
	timed pip "$r" "$py" -m pip install --isolated --disable-pip-version-check -q \
		--no-deps --no-compile --no-cache-dir --target "$scratch/pip$r" "$wheel"
	for c in pk-cold pk-nocache pk-warm; do mkdir -p "$scratch/$c$r"; done
	timed pk-cold "$r" "$pk" --project "$scratch/pk-cold$r" --python "$pyexe" \
		--cache-dir "$scratch/cache$r" -q install --no-deps --no-index "$wheel"
	timed pk-nocache "$r" "$pk" --project "$scratch/pk-nocache$r" --python "$pyexe" \
		--no-cache -q install --no-deps --no-index "$wheel"
	timed pk-warm "$r" "$pk" --project "$scratch/pk-warm$r" --python "$pyexe" \
		--cache-dir "$scratch/cache$r" -q install --no-deps --no-index "$wheel"
done

median() { sort -n "$scratch/$1.times" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
pipm=$(median pip)
echo "median of $rounds rounds (seconds), ratio = pip / case:"
for c in pip pk-cold pk-nocache pk-warm; do
	m=$(median "$c")
	echo "$c $m $pipm" | awk '{ printf "  %-10s %6.3f s  %5.1fx\n", $1, $2, $3 / $2 }'
done
