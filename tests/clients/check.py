#!/usr/bin/env python3
"""Loads annals' exports with the real clients of each format.

    python3 tests/clients/check.py OUT_DIR...

Each OUT_DIR holds the exports of one KB, as tests/cli/clients.rs writes
them: kb.json, kb.jsonl, kb.jsonld, kb.graphml and tables/ (export csv).
Needs (pinned in .ci/run): pyld, rdflib, networkx, duckdb, jsonschema, edtf.
Exits 1 with every failure listed.
"""
import csv
import datetime
import io
import json
import os
import re
import subprocess
import sys

import duckdb
import jsonschema
import networkx
import rdflib
from pyld import jsonld

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []


def fail(what):
    failures.append(what)


def schema(name):
    with open(os.path.join(ROOT, "docs", "schema", name)) as f:
        return json.load(f)


# ---------------------------------------------------------------- JSON

def check_json(out, doc):
    """The JSON export and each JSON Lines record against the shipped schemas."""
    v = jsonschema.Draft202012Validator(schema("export.json"))
    for e in v.iter_errors(doc):
        fail(f"{out}/kb.json: {e.message} at {list(e.absolute_path)}")
    v = jsonschema.Draft202012Validator(schema("export-line.json"))
    with open(os.path.join(out, "kb.jsonl")) as f:
        for n, line in enumerate(f, 1):
            for e in v.iter_errors(json.loads(line)):
                fail(f"{out}/kb.jsonl:{n}: {e.message}")


# ------------------------------------------------------------- JSON-LD

def same_shape(orig, expanded, where):
    """Every property of the original is in the expansion (none dropped)."""
    if isinstance(orig, list):
        if not isinstance(expanded, list) or len(orig) != len(expanded):
            fail(f"{where}: {len(orig)} values became {expanded!r:.80}")
            return
        for i, (o, e) in enumerate(zip(orig, expanded)):
            same_shape(o, e, f"{where}[{i}]")
        return
    if not isinstance(orig, dict):
        return
    if isinstance(expanded, list):
        if len(expanded) != 1:
            fail(f"{where}: one object became {len(expanded)}")
            return
        expanded = expanded[0]
    if "@value" in orig or "@id" in orig and len(orig) == 1:
        return
    if "@list" in orig:
        same_shape(orig["@list"], expanded.get("@list"), where + ".@list")
        return
    keys = [k for k in orig if not k.startswith("@")]
    got = [k for k in expanded if not k.startswith("@")]
    if len(keys) != len(got):
        fail(f"{where}: properties {sorted(keys)} expanded to {sorted(got)}")
        return
    for k in keys:
        iri = [e for e in got if e.endswith(k.split(":")[-1])]
        if len(iri) != 1:
            fail(f"{where}: `{k}` has no expansion among {got}")
            continue
        o = orig[k]
        same_shape(o if isinstance(o, list) else [o], expanded[iri[0]], f"{where}.{k}")


ISO = re.compile(r"^-?\d{4,}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2}))?)?)?$")


def check_jsonld(out, doc, records):
    expanded = jsonld.expand(doc)
    by_id = {n["@id"]: n for n in expanded}
    for node in doc["@graph"]:
        same_shape(node, by_id.get(node["@id"], {}), node["@id"])
    quads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    lines = [q for q in quads.splitlines() if q.strip()]
    g = rdflib.Graph()
    g.parse(data=json.dumps(doc), format="json-ld")
    if len(g) != len(lines):
        fail(f"{out}/kb.jsonld: pyld gives {len(lines)} triples, rdflib {len(g)}")
    back = rdflib.Dataset()
    back.parse(data=quads, format="nquads")
    if len(back) != len(lines):
        fail(f"{out}/kb.jsonld: N-Quads read back as {len(back)} of {len(lines)}")
    # Dates are ISO 8601 and never leave the KB's day.
    written = {r["id"]: r["date"]["written"] for r in records["statements"] + records["events"]}
    for node in doc["@graph"]:
        for key in ("dateCreated", "startDate", "endDate"):
            value = node.get(key)
            if value is None:
                continue
            if not ISO.match(value):
                fail(f"{node['@id']}: {key} {value!r} is not ISO 8601")
            if "T" in value:
                datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            day = written.get(node["@id"].rsplit(":", 1)[-1].rsplit("/", 1)[-1], "")
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) and value != day:
                fail(f"{node['@id']}: {key} {value} moved from the KB's day {day}")
    return len(lines)


# ------------------------------------------------------------- GraphML

def check_graphml(out, records):
    g = networkx.read_graphml(os.path.join(out, "kb.graphml"))
    want = len(records["actors"]) + len(records["events"]) + len(records["statements"])
    if g.number_of_nodes() != want:
        fail(f"{out}/kb.graphml: {g.number_of_nodes()} nodes, the KB has {want}")
    for r in records["statements"]:
        n = g.nodes[r["id"]]
        if n.get("summary") != r["summary"]:
            fail(f"{r['id']}: summary {n.get('summary')!r} != {r['summary']!r}")
        if not isinstance(n.get("uncertain"), bool):
            fail(f"{r['id']}: uncertain is {type(n.get('uncertain')).__name__}, not bool")
        if r["quotes"] and json.loads(n["quotes"]) != r["quotes"]:
            fail(f"{r['id']}: quotes differ")
    for _, _, e in g.edges(data=True):
        if "position" in e and not isinstance(e["position"], int):
            fail(f"{out}/kb.graphml: position is {type(e['position']).__name__}")


# ----------------------------------------------------------------- CSV

def check_csv(out, records):
    tables = os.path.join(out, "tables")
    con = duckdb.connect()
    cwd = os.getcwd()
    os.chdir(tables)
    try:
        with open("schema.sql") as f:
            con.execute(f.read())
    finally:
        os.chdir(cwd)
    for table, key in (("actors", "actors"), ("events", "events"), ("statements", "statements")):
        n = con.execute(f"select count(*) from {table}").fetchone()[0]
        if n != len(records[key]):
            fail(f"{tables}: {table} has {n} rows, the KB {len(records[key])}")
    types = dict(con.execute(
        "select column_name, data_type from information_schema.columns where table_name = 'statements'"
    ).fetchall())
    if types.get("earliest") != "TIMESTAMP WITH TIME ZONE" or types.get("date") != "VARCHAR":
        fail(f"{tables}: statements typed {types}")
    # Exact cells: each summary comes back as written.
    got = dict(con.execute("select id, summary from statements").fetchall())
    for r in records["statements"]:
        if got.get(r["id"]) != r["summary"]:
            fail(f"{tables}: {r['id']} summary {got.get(r['id'])!r} != {r['summary']!r}")
    # who-responded, as one query over the tables.
    pairs = con.execute("""
        with credited as (
            select s.id, coalesce(s.on_behalf_of, sp.actor) as actor
            from statements s join speakers sp on sp.statement = s.id)
        select count(*) from (
            select distinct a.actor, r."to" from responses r join credited a on a.id = r."from")
    """).fetchone()[0]
    if pairs == 0 and records["statements"] and any(r["responds_to"] for r in records["statements"]):
        fail(f"{tables}: no responder/target pair found")


# ---------------------------------------------------------------- EDTF

def check_edtf():
    folder = os.path.join(ROOT, "tests", "fixtures", "edtf")
    printed = subprocess.run([sys.executable, "record.py", "--print"], cwd=folder,
                             capture_output=True, text=True, check=True).stdout
    with open(os.path.join(folder, "forms.tsv")) as f:
        recorded = f.read()
    if printed != recorded:
        fail("tests/fixtures/edtf/forms.tsv: the python edtf columns differ from the package's output")


def main(dirs):
    totals = []
    for out in dirs:
        with open(os.path.join(out, "kb.json")) as f:
            records = json.load(f)
        check_json(out, records)
        with open(os.path.join(out, "kb.jsonld")) as f:
            triples = check_jsonld(out, json.load(f), records)
        check_graphml(out, records)
        check_csv(out, records)
        totals.append(f"{os.path.basename(out)}: {len(records['statements'])} statements, {triples} triples")
    check_edtf()
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print("; ".join(totals))


if __name__ == "__main__":
    main(sys.argv[1:])
