#!/usr/bin/env bash
# Peers on the same generated KB: SQLite (import of annals' CSV tables, a
# recursive CTE for transitive responses, a GROUP BY for who-responded, a
# date range), DuckDB (its Python package: import of annals' JSONL export
# with read_json, then the same three queries) and Python (json + networkx:
# load, reference check, cycle check), next to annals doing the same jobs.
# Each line is one process, end to end (start-up included); a peer's import
# is paid once, its queries each time. annals is measured cold (every file
# read and checked: ANNALS_CACHE=off) and warm (answered from its cache of
# the unchanged KB, in target/bench-cache). Run by hand; needs sqlite3,
# python3, networkx and duckdb (pip install networkx duckdb).
#
#   bash benches/peers.sh 100000
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
cargo build --release --locked --quiet --bin annals --example generate
bin=target/release/annals
export ANNALS_CACHE_DIR=$PWD/target/bench-cache
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
echo "SQLite date range, statements overlapping 2020: $(t sqlite3 "$work/db.sqlite" "select count(*) from statements where latest >= '2020-01-01' and earliest < '2021-01-01';")"
cat > "$work/duck.py" <<'PY'
import sys, duckdb
job, db = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
if job == "import":
    con.execute(f"""create or replace table statements as
        select id, "by".id as speaker, "date".earliest::timestamptz as earliest,
               "date".latest::timestamptz as latest, responds_to
        from read_json('{sys.argv[3]}', format='newline_delimited', union_by_name=true)
        where type = 'statement'""")
    con.execute("""create or replace table responses as
        select id as "from", unnest(responds_to).to as "to" from statements""")
elif job == "who":
    con.execute("""select s.speaker, t.speaker, count(*) from responses r
        join statements s on s.id = r."from" join statements t on t.id = r."to"
        group by all""").fetchall()
elif job == "range":
    con.execute("""select count(*) from statements where latest >= '2020-01-01'::timestamptz
        and earliest < '2021-01-01'::timestamptz""").fetchall()
elif job == "transitive":
    con.execute(f"""with recursive d(id) as (select '{sys.argv[3]}' union
        select r."from" from responses r join d on r."to" = d.id) select count(*) from d""").fetchall()
PY
echo "DuckDB import of the JSONL export (read_json): $(t python3 "$work/duck.py" import "$work/db.duckdb" "$work/kb.jsonl")"
echo "DuckDB recursive CTE, transitive responses of $hub: $(t python3 "$work/duck.py" transitive "$work/db.duckdb" "$hub")"
echo "DuckDB GROUP BY, who responded to whom: $(t python3 "$work/duck.py" who "$work/db.duckdb")"
echo "DuckDB date range, statements overlapping 2020: $(t python3 "$work/duck.py" range "$work/db.duckdb")"
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
cold=(env ANNALS_CACHE=off "$bin" --kb "$dir")
echo "annals responses $hub --format json, cold: $(t "${cold[@]}" responses "$hub" --format json)"
echo "annals who-responded --format json, cold: $(t "${cold[@]}" who-responded --format json)"
echo "annals timeline --from 2020-01-01 --until 2020-12-31 --format json, cold: $(t "${cold[@]}" timeline --from 2020-01-01 --until 2020-12-31 --format json)"
"$bin" --kb "$dir" cache clear >/dev/null
echo "annals stats, first with the cache on (writes it): $(t "$bin" --kb "$dir" stats)"
echo "annals responses $hub --format json, warm: $(t "$bin" --kb "$dir" responses "$hub" --format json)"
echo "annals who-responded --format json, warm: $(t "$bin" --kb "$dir" who-responded --format json)"
echo "annals timeline --from 2020-01-01 --until 2020-12-31 --format json, warm: $(t "$bin" --kb "$dir" timeline --from 2020-01-01 --until 2020-12-31 --format json)"
rm -rf "$work"
