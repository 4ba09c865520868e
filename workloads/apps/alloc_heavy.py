#!/usr/bin/env python3
"""app_python: an allocation-heavy Python program used as a whole-program workload.

Builds and tears down many small objects the way ordinary Python code does: dicts of records,
lists, string formatting and joining, JSON encoding and decoding, sorting. The interpreter
allocates through malloc for everything above its small-object arena (512 bytes) and for the
arenas themselves, so the process exercises the allocator under test (LD_PRELOAD). Deterministic
(fixed seed); prints a one-line summary so a wrong result is visible. Runs about 0.5-1 s;
--quick does a third of the work, --rounds N sets it directly.
"""
import argparse
import json
import random


def make_records(rng, n):
    return [
        {
            "id": i,
            "name": "user-%06d" % i,
            "tags": ["t%d" % rng.randrange(50) for _ in range(rng.randrange(1, 8))],
            "score": rng.random() * 100.0,
            "blob": "x" * rng.randrange(16, 2048),
        }
        for i in range(n)
    ]


def index_by_tag(records):
    index = {}
    for r in records:
        for t in r["tags"]:
            index.setdefault(t, []).append(r["id"])
    return index


def round_trip(records):
    text = json.dumps(records)
    return json.loads(text), len(text)


def build_report(records):
    lines = []
    for r in sorted(records, key=lambda r: (-r["score"], r["id"]))[:2000]:
        lines.append("%s,%0.3f,%s" % (r["name"], r["score"], "|".join(r["tags"])))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description="Allocation-heavy Python workload (app_python).")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of work (default 3)")
    parser.add_argument("--quick", action="store_true", help="one round (for --quick runs)")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    if rounds < 1:
        parser.error("--rounds must be a positive integer")
    rng = random.Random(12345)
    checksum = 0
    for _ in range(rounds):
        records = make_records(rng, 5000)
        index = index_by_tag(records)
        decoded, size = round_trip(records[:3000])
        report = build_report(records)
        # Drop half the records and grow the rest, like a cache being rewritten.
        survivors = [dict(r, blob=r["blob"] * 2) for r in records if r["id"] % 2 == 0]
        checksum = (checksum * 31 + size + len(report) + len(index) + len(decoded)
                    + sum(len(r["blob"]) for r in survivors)) % (1 << 61)
        del records, index, decoded, report, survivors
    print("alloc_heavy.py: rounds=%d checksum=%d" % (rounds, checksum))


if __name__ == "__main__":
    main()
