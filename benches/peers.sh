#!/usr/bin/env bash
# Peers on the same generated KB: SQLite (import of annals' CSV tables, a
# recursive CTE for transitive responses, a GROUP BY for who-responded) and
# Python (json + networkx: load, reference check, cycle check), next to
# annals doing the same jobs. Run by hand; needs sqlite3, python3 and
# networkx (pip install networkx).
#
#   bash benches/peers.sh 100000
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
cargo build --release --locked --quiet --bin annals --example generate
bin=target/release/annals
dir=target/bench-kb-$n
[ -f "$dir/actors.ron" ] || target/release/examples/generate --statements "$n" --seed 1 --out "$dir" 2>/dev/null
work=$(mktemp -d)
"$bin" --kb "$dir" export --format csv -o "$work/csv" 2>/dev/null
"$bin" --kb "$dir" export --format jsonl -o "$work/kb.jsonl"
hub="s$((n / 10))"

t() { /usr/bin/time -f "%e s, %M KB" "$@" 2>&1 >/dev/null | tail -1; }

echo "### Peers at $n statements"
echo
echo "SQLite import of the CSV tables: $(t sqlite3 "$work/db.sqlite" ".mode csv" ".import $work/csv/statements.csv statements" ".import $work/csv/responses.csv responses" "create index r_to on responses(\"to\");")"
echo "SQLite recursive CTE, transitive responses of $hub: $(t sqlite3 "$work/db.sqlite" "with recursive d(id) as (select '$hub' union select r.\"from\" from responses r join d on r.\"to\" = d.id) select count(*) from d;")"
echo "SQLite GROUP BY, who responded to whom: $(t sqlite3 "$work/db.sqlite" "select s.by, t.by, count(*) from responses r join statements s on s.id = r.\"from\" join statements t on t.id = r.\"to\" group by 1, 2;")"
cat > "$work/peer.py" <<'PY'
import json, sys
import networkx as nx
g = nx.DiGraph()
ids = set()
records = [json.loads(line) for line in open(sys.argv[1])]
for r in records:
    if r["type"] in ("actor", "event", "statement"):
        ids.add(r["id"])
missing = 0
for r in records:
    if r["type"] == "statement":
        g.add_node(r["id"])
        for ref in [r["by"]["id"]] + [x["to"] for x in r["responds_to"]]:
            if ref not in ids:
                missing += 1
        for x in r["responds_to"]:
            g.add_edge(r["id"], x["to"])
print(missing, nx.is_directed_acyclic_graph(g))
PY
echo "Python json + networkx (load, reference check, cycle check): $(t python3 "$work/peer.py" "$work/kb.jsonl")"
echo "annals check (load, every check): $(t "$bin" --kb "$dir" check)"
echo "annals responses $hub --format json: $(t "$bin" --kb "$dir" responses "$hub" --format json)"
echo "annals who-responded --format json: $(t "$bin" --kb "$dir" who-responded --format json)"
rm -rf "$work"
