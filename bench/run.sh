#!/usr/bin/env bash
# `make bench`: the compiler on topologies up to Xen's 32 752 domains.
# Instruction counts (valgrind callgrind: the same on every run and machine
# load) and wall time / peak memory (/usr/bin/time) for check and build, as a
# table; each count is compared with bench/baseline.txt (more than 10 % over
# fails). BENCH_UPDATE=1 rewrites the baseline.
set -u
cd "$(dirname "$0")/.." || exit 1
bin=${1:-./xenshm-compose}
# cases: SHAPE:VMs (bench/gen.sh); the star is one region with 8 000 members
cases=${BENCH_CASES:-"pairs:1000 pairs:8000 pairs:32752 star:8000"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
base=bench/baseline.txt
fail=0

instructions() {	# command... -> instructions executed (callgrind)
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$@" >/dev/null 2>"$tmp/vg.log"
	sed -n 's/^summary: *//p' "$tmp/cg.out" | head -1
}

printf '| VMs | command | instructions | wall s | peak RSS MiB | baseline | change |\n'
printf '|---:|---|---:|---:|---:|---:|---:|\n'
new=""
for c in $cases; do
	shape=${c%%:*} n=${c#*:}
	key=$n
	[ "$shape" = pairs ] || key=$shape-$n
	bench/gen.sh "$n" "$shape" >"$tmp/t$n.yaml"
	for cmd in check build; do
		args=(check -q "$tmp/t$n.yaml")
		[ "$cmd" = build ] && args=(build -q "$tmp/t$n.yaml" -o "$tmp/out$n")
		rm -rf "$tmp/out$n"
		/usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" "${args[@]}" >/dev/null 2>&1 ||
			{ echo "FAIL: bench $cmd $key VMs does not run"; fail=1; continue; }
		read -r wall rss <"$tmp/time"
		rm -rf "$tmp/out$n"
		ins=$(instructions "$bin" "${args[@]}")
		old=$(awk -v k="$cmd-$key" '$1 == k { print $2 }' "$base" 2>/dev/null)
		change="new"
		if [ -n "$old" ]; then
			change=$(awk -v a="$ins" -v b="$old" 'BEGIN { printf "%+.1f %%", (a - b) * 100 / b }')
			if awk -v a="$ins" -v b="$old" 'BEGIN { exit !(a > b * 1.10) }'; then
				echo "FAIL: bench $cmd $key VMs: $ins instructions, baseline $old ($change)" >&2
				fail=1
			fi
		fi
		printf '| %s | %s | %s | %s | %d | %s | %s |\n' "$key" "$cmd" "$ins" "$wall" $((rss / 1024)) "${old:--}" "$change"
		new+="$cmd-$key $ins"$'\n'
	done
done
if [ "${BENCH_UPDATE:-}" = 1 ]; then
	printf '# instructions per benchmark (callgrind), BENCH_UPDATE=1 make bench rewrites\n%s' "$new" >"$base"
	echo "bench: baseline rewritten"
fi
exit $fail
