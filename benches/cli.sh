#!/usr/bin/env bash
# Whole-process figures: wall time (median and min-max of RUNS runs) and peak
# memory (max RSS) of annals commands and of the parse floor, on generated KBs.
#
#   bash benches/cli.sh 10000 100000        # sizes in statements
#   bash benches/cli.sh 200000t              # a trailing t: tiny statements
#   RUNS=5 bash benches/cli.sh 1000000
#
# Prints one Markdown table per size, with each figure's ratio to the floor
# and its peak memory as a multiple of the KB's size on disk. Commands are
# measured cold (ANNALS_CACHE=off: every file read and checked), then warm
# (answered from the cache, in target/bench-cache, of the unchanged KB), and
# after files of the KB changed (read again into the cached model).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
export ANNALS_CACHE_DIR=$PWD/target/bench-cache
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
    cold=(env ANNALS_CACHE=off "$bin" --kb "$dir")
    measure "parse floor" target/release/examples/floor "$dir"
    measure "annals check" "${cold[@]}" check
    measure "annals who-responded --format json" "${cold[@]}" who-responded --format json
    measure "annals timeline --from 2020-01 --until 2020-02" "${cold[@]}" timeline --from 2020-01 --until 2020-02
    measure "annals export --format dot --view responses" "${cold[@]}" export --format dot --view responses
    measure "annals export --format dot --view kb" "${cold[@]}" export --format dot --view kb
    measure "annals export --format json" "${cold[@]}" export --format json
    measure "annals render timeline (SVG)" "${cold[@]}" render timeline -o /tmp/annals-bench.svg
    measure "annals render timeline (PNG)" "${cold[@]}" render timeline -o /tmp/annals-bench.png
    # Generated files are one item a line: every file is laid out anew and
    # shown as a diff (nothing is written).
    measure "annals fmt --check (every file changes)" "${cold[@]}" fmt --check
    # new --append rewrites a file of the KB: on a fresh copy each run.
    copy=/tmp/annals-bench-copy
    measure "annals new actor --append actors.ron" sh -c "rm -rf $copy && cp -r '$dir' $copy && ANNALS_CACHE=off '$bin' --kb $copy new actor --name 'Dmitry Peskov' --kind Person --append $copy/actors.ron"
    # diff: the KB committed to git, one statement file's summaries edited
    # in the working tree.
    repo=/tmp/annals-bench-git
    rm -rf "$repo" && mkdir -p "$repo" && cp -r "$dir" "$repo/kb"
    (cd "$repo" && git init -q && git add -A && git -c user.name=bench -c user.email=bench@localhost commit -qm base)
    first=("$repo"/kb/statements/*.ron)
    sed -i 's/summary: "/summary: "Edited: /' "${first[0]}"
    measure "annals diff HEAD (one file's statements changed)" env ANNALS_CACHE=off "$bin" --kb "$repo/kb" diff HEAD
    # ... and a file of statements deleted: the responses to its statements
    # from every other file are lost, so each side's links and counts are
    # compared one by one (the base loaded a second time).
    first=("$repo"/kb/statements/*.ron)
    rm "${first[1]}"
    measure "annals diff HEAD (a statement file deleted, links lost)" env ANNALS_CACHE=off "$bin" --kb "$repo/kb" diff HEAD
    # check on that KB: ~1,700 references to the deleted statements, in
    # nearly every file, each printed with its snippet.
    measure "annals check (a statement file deleted: errors in most files)" env ANNALS_CACHE=off "$bin" --kb "$repo/kb" check
    # The first query writes the cache; each run starts without one.
    measure "first query, writing the cache (stats)" sh -c "'$bin' --kb '$dir' cache clear >/dev/null && '$bin' --kb '$dir' stats"
    warm=("$bin" --kb "$dir")
    "${warm[@]}" cache clear >/dev/null
    "${warm[@]}" stats >/dev/null
    measure "warm: who-responded --format json" "${warm[@]}" who-responded --format json
    measure "warm: timeline --from 2020-01 --until 2020-02" "${warm[@]}" timeline --from 2020-01 --until 2020-02
    measure "warm: stats" "${warm[@]}" stats
    measure "warm: show s1000" "${warm[@]}" show s1000
    measure "warm: responses s1000" "${warm[@]}" responses s1000
    measure "warm: thread s1000" "${warm[@]}" thread s1000
    measure "warm: export --format dot --view kb" "${warm[@]}" export --format dot --view kb
    measure "warm: render timeline (SVG)" "${warm[@]}" render timeline -o /tmp/annals-bench.svg
    # Every other query and export format, warm: what each adds to the
    # model it reads (Graphviz pictures of the whole KB are left out: the
    # memory and minutes are Graphviz's own).
    measure "warm: who-responded" "${warm[@]}" who-responded
    measure "warm: who-responded --format csv" "${warm[@]}" who-responded --format csv
    measure "warm: timeline (all)" "${warm[@]}" timeline
    measure "warm: timeline --format json" "${warm[@]}" timeline --format json
    measure "warm: timeline --format csv" "${warm[@]}" timeline --format csv
    measure "warm: timeline --format md" "${warm[@]}" timeline --format md
    measure "warm: search s1000" "${warm[@]}" search s1000
    measure "warm: path s1000 s1001" "${warm[@]}" path s1000 s1001
    measure "warm: stats --format json" "${warm[@]}" stats --format json
    measure "warm: export --format json" "${warm[@]}" export --format json
    measure "warm: export --format jsonl" "${warm[@]}" export --format jsonl
    measure "warm: export --format jsonld" "${warm[@]}" export --format jsonld
    measure "warm: export --format graphml" "${warm[@]}" export --format graphml
    measure "warm: export --format timelinejs" "${warm[@]}" export --format timelinejs
    measure "warm: export --format csv -o DIR" "${warm[@]}" export --format csv -o /tmp/annals-bench-csv
    measure "warm: export --format html" "${warm[@]}" export --format html
    measure "warm: export --format mermaid" "${warm[@]}" export --format mermaid
    measure "warm: export --format dot --view responses" "${warm[@]}" export --format dot --view responses
    measure "warm: export --format dot --view actors" "${warm[@]}" export --format dot --view actors
    measure "warm: export --format dot --view timeline" "${warm[@]}" export --format dot --view timeline
    # One file of the KB touched (its content unchanged): hashed, still
    # warm. Then files changed within themselves: read again into the
    # cached model, which is rewritten once they add up to 1/32 of the KB.
    measure "one file touched: stats" sh -c "touch '$dir/actors.ron' && '$bin' --kb '$dir' stats"
    measure "events.ron changed: stats" sh -c "printf '\n' >> '$dir/events.ron' && '$bin' --kb '$dir' stats"
    # The first 1/32 of the statement files and more, each changed on each
    # run: the cache is rewritten each time.
    all=("$dir"/statements/*.ron)
    files="${all[*]:0:$(( ${#all[@]} / 32 + 2 ))}"
    measure "1/32 of the KB changed: stats (rewrites the cache)" sh -c "for f in $files; do printf '\n' >> \$f; done && '$bin' --kb '$dir' stats"
    one="$dir/statements/00100.ron"
    [ -f "$one" ] || one=${all[-1]}
    cp "$one" /tmp/annals-bench-one.ron
    sed -i '0,/summary: "/s//summary: "Edited: /' "$one"
    measure "a statements file edited: stats" "${warm[@]}" stats
    measure "a statements file edited: who-responded --format json" "${warm[@]}" who-responded --format json
    # A statement added before the file's first: every later statement of
    # the KB moves.
    cp /tmp/annals-bench-one.ron "$one"
    sed -i '0,/    statements: \[/s//    statements: [\n        Statement(id: "added-1", by: "state-1", date: "2020-01-01", kind: Claim, summary: "Added."),/' "$one"
    measure "a statement added to a file: stats" "${warm[@]}" stats
    cp /tmp/annals-bench-one.ron "$one"
    "${warm[@]}" cache info | sed 's/^/    /'
done
