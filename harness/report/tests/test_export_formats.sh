#!/usr/bin/env bash
# test-timeout: 60
# The formats others read, on the report golden test's fixed session (a ~20% larson
# regression, a crash on producer_consumer, glibc beside A and B): each must parse with
# python3's json or xml module and carry the fields its consumer reads. bmf: Bencher Metric
# Format; junit: JUnit XML; hyperfine: hyperfine's --export-json; github: the PR summary.
source "$(dirname "$0")/../../testing/lib.sh"
db=$tmp/f.db
sqlite3 "$db" < harness/store/schema.sql && sqlite3 "$db" 'PRAGMA user_version = 1' &&
  sqlite3 "$db" < harness/report/tests/fixtures/report_session.sql || exit 1

py() { python3 -c "$1" "${@:2}"; }

# Several formats in one call, as hyperfine's --export-*.
$HAKBENCH export --session 1 --db "$db" --export-bmf "$tmp/x.bmf" --export-junit "$tmp/x.xml" \
  --export-hyperfine "$tmp/x.hf.json" 2>"$tmp/err"
check "three formats in one call: exit 0" test $? -eq 0

bmf_ok() {
  py '
import json, sys
d = json.load(open(sys.argv[1]))
assert "schema" not in d, "a foreign document carries no schema field"
b = d["larson/e4cc7d0@baseline"]
for measure in ("throughput", "peak-rss-kib"):
    m = b[measure]
    assert set(m) <= {"value", "lower_value", "upper_value"} and "value" in m, m
    assert m["lower_value"] <= m["value"] <= m["upper_value"], m
assert len(d) == 12, sorted(d)  # 4 workloads x 3 variants
' "$tmp/x.bmf"
}
check "bmf: {benchmark: {measure: {value, lower_value, upper_value}}} for every workload/variant" bmf_ok

junit_ok() {
  py '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = {c.get("name"): c for c in suite.findall("testcase")}
assert set(cases) == {"larson", "tiny_hot", "fragmentation", "producer_consumer"}, cases
assert cases["larson"].find("failure").get("type") == "regression"
assert "regression" in cases["larson"].find("failure").get("message")
assert cases["producer_consumer"].find("failure").get("type") == "failed-runs"
assert "memory" in cases["fragmentation"].find("failure").get("message")
assert cases["tiny_hot"].find("failure") is None
assert suite.get("tests") == "4" and suite.get("failures") == "3", suite.attrib
assert all(c.get("classname") == "hakbench.f1130cc@fastpath_vs_e4cc7d0@baseline" for c in cases.values())
' "$tmp/x.xml"
}
check "junit: a testcase per workload, the regression, the memory regression and the crash as <failure>" junit_ok

hyperfine_ok() {
  py '
import json, sys
d = json.load(open(sys.argv[1]))
rs = d["results"]
assert len(rs) == 12, len(rs)
for r in rs:
    for k in ("command", "mean", "stddev", "median", "min", "max", "times", "exit_codes"):
        assert k in r, (k, r.keys())
    ok = r["times"]
    if ok:
        assert min(ok) == r["min"] and max(ok) == r["max"], r
        assert r["min"] <= r["median"] <= r["max"]
    assert len(r["exit_codes"]) >= len(ok)
crash = [r for r in rs if any(c > 128 for c in r["exit_codes"])]
assert crash and crash[0]["parameters"]["workload"] == "producer_consumer", crash
' "$tmp/x.hf.json"
}
check "hyperfine: results[] with command, mean, stddev, median, min, max, times" hyperfine_ok

$HAKBENCH export --session 1 --db "$db" --format junit | py 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.stdin)'
check "junit on stdout parses too" test $? -eq 0

$HAKBENCH report --session 1 --db "$db" --format github >"$tmp/gh.md" 2>"$tmp/err"
check "github summary: exit 1 (a regression)" test $? -eq 1
check "github summary: the strongest finding in its heading" \
  grep -qE '^### f1130cc@fastpath vs e4cc7d0@baseline: RSS after free 13× on fragmentation \(memory regression\)' "$tmp/gh.md"
check "github summary: details collapsed" grep -q '^<details><summary>Next steps</summary>' "$tmp/gh.md"
check "github summary: under 60,000 characters" test "$(wc -m <"$tmp/gh.md")" -lt 60000
check "github summary: no files written beside it" test -z "$(ls "$tmp" | grep -E '\.(png|svg)$')"
finish
