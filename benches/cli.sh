#!/usr/bin/env bash
# Whole-process figures: wall time (median and min-max of RUNS runs) and peak
# memory (max RSS) of annals commands and of the parse floor, on generated KBs.
#
#   bash benches/cli.sh 10000 100000        # sizes in statements
#   bash benches/cli.sh 200000t              # a trailing t: tiny statements
#   RUNS=5 bash benches/cli.sh 1000000
#
# Prints one Markdown table per size, with each figure's ratio to the floor
# and its peak memory as a multiple of the KB's size on disk.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
cargo build --release --locked --quiet --bin annals --example generate --example floor
bin=target/release/annals

# median and min-max of a list of numbers
stats() { sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%.2f (%.2f-%.2f)", m, a[1], a[NR]}'; }

measure() { # name, then the command
    local name=$1; shift
    local times=() rss=0
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %M" -o /tmp/annals-bench-time "$@" >/dev/null 2>/dev/null || true
        # The last line: GNU time puts "Command exited with non-zero
        # status N" before it when the command fails.
        read -r t m < <(tail -n 1 /tmp/annals-bench-time)
        times+=("$t")
        (( m > rss )) && rss=$m
    done
    local med
    med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '| %s | %s | %d | %s | %s |\n' "$name" "$(printf '%s\n' "${times[@]}" | stats)" "$((rss / 1024))" \
        "$(awk -v a="$med" -v b="$FLOOR" 'BEGIN {printf "%.2f", a / b}')" \
        "$(awk -v r="$rss" -v k="$KB_KIB" 'BEGIN {printf "%.1f", r / k}')"
}

for arg in "${@:-10000 100000}"; do
    n=${arg%t}
    tiny=()
    [ "$n" != "$arg" ] && tiny=(--tiny)
    dir=target/bench-kb-$arg
    [ -f "$dir/actors.ron" ] || target/release/examples/generate --statements "$n" --seed 1 "${tiny[@]}" --out "$dir" 2>/dev/null
    size=$(du -sm "$dir" | cut -f1)
    KB_KIB=$(du -sk "$dir" | cut -f1)
    # The floor must read every file (it says which it cannot).
    target/release/examples/floor "$dir" 2>/dev/null || target/release/examples/floor "$dir"
    FLOOR=$(for _ in $(seq "$RUNS"); do /usr/bin/time -f "%e" target/release/examples/floor "$dir" 2>&1 >/dev/null | tail -1; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo
    echo "### $n ${tiny:+tiny }statements ($size MB on disk)"
    echo
    echo "| command | seconds: median (min-max) | max RSS MB | x floor | RSS / KB |"
    echo "|---|---|---|---|---|"
    measure "parse floor" target/release/examples/floor "$dir"
    measure "annals check" "$bin" --kb "$dir" check
    measure "annals who-responded --format json" "$bin" --kb "$dir" who-responded --format json
    measure "annals timeline --from 2020-01 --until 2020-02" "$bin" --kb "$dir" timeline --from 2020-01 --until 2020-02
    measure "annals export --format dot --view responses" "$bin" --kb "$dir" export --format dot --view responses
    measure "annals export --format dot --view kb" "$bin" --kb "$dir" export --format dot --view kb
    measure "annals export --format json" "$bin" --kb "$dir" export --format json
    measure "annals render timeline (SVG)" "$bin" --kb "$dir" render timeline -o /tmp/annals-bench.svg
    measure "annals render timeline (PNG)" "$bin" --kb "$dir" render timeline -o /tmp/annals-bench.png
done
