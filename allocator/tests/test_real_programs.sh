#!/usr/bin/env bash
# test-timeout: 300
# Real programs under LD_PRELOAD=./libhakmem.so exit 0 with the same stdout as under glibc:
# python3 (threads, json, re), sqlite3 (100k inserts in a transaction, aggregates), git (log,
# status and more on a throw-away repository with a few commits), perl (hashes, regexes,
# strings) and gcc compiling and running a small C program.
set -u
cd "$(dirname "$0")/../.." || exit 2
. allocator/tests/preload_lib.sh

preload_takes_effect

cat >"$work/threads_json_re.py" <<'PY'
import json, re, threading

def worker(n, out):
    docs = [{"id": i, "name": "item-%d" % i, "tags": ["t%d" % (i % 7)] * (i % 5),
             "nested": {"v": i * n, "s": "x" * (i % 97)}} for i in range(3000)]
    text = json.dumps(docs, sort_keys=True)
    back = json.loads(text)
    ids = [int(m.group(1)) for m in re.finditer(r'"name": "item-(\d+)"', text)]
    words = re.sub(r"[^a-z]+", " ", text).split()
    out[n] = (len(text), sum(ids), len(back), len(set(words)))

results = {}
threads = [threading.Thread(target=worker, args=(n, results)) for n in range(1, 5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for n in sorted(results):
    print(n, *results[n])
print(json.dumps({"total": sum(r[0] for r in results.values())}))
PY
same_output_under_preload python3_threads_json_re python3 "$work/threads_json_re.py"

{
    echo "CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, score REAL);"
    echo "BEGIN;"
    awk 'BEGIN { for (i = 1; i <= 100000; i++)
        printf "INSERT INTO t(grp, name, score) VALUES (%d, %s, %d.%02d);\n",
               i % 97, "\x27name-" i * 7919 % 100003 "\x27", i % 1000, i % 100 }'
    echo "COMMIT;"
    echo "CREATE INDEX t_grp ON t(grp);"
    echo "SELECT count(*), sum(score), min(name), max(name) FROM t;"
    echo "SELECT grp, count(*), round(avg(score), 3), group_concat(id % 10, '') FROM t"
    echo "  WHERE grp < 5 AND id < 2000 GROUP BY grp ORDER BY grp;"
    echo "SELECT length(group_concat(name)) FROM (SELECT name FROM t ORDER BY name DESC LIMIT 5000);"
} >"$work/insert_query.sql"
same_output_under_preload sqlite3_insert_100k_rows_and_aggregate \
    --stdin "$work/insert_query.sql" sqlite3 :memory:

repo=$work/repo
# The user's and the system's git configuration stay out of it (signing, hooks, templates).
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
git init -q "$repo"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
for i in 1 2 3 4 5; do
    seq 1 $((i * 1000)) | sed "s/^/line $i /" >"$repo/file$i.txt"
    printf 'change %d\n' "$i" >>"$repo/README"
    git -C "$repo" add -A
    GIT_AUTHOR_DATE="2024-01-0$i 12:00:00 +0000" GIT_COMMITTER_DATE="2024-01-0$i 12:00:00 +0000" \
        git -C "$repo" commit -q -m "commit $i"
done
echo dirty >>"$repo/file2.txt"
echo new >"$repo/untracked.txt"
same_output_under_preload git_log_status_diff bash -c \
    "git -C '$repo' log --stat --format='%H %an %s' && git -C '$repo' status --porcelain=v1 &&
     git -C '$repo' diff HEAD~3 | sha256sum && git -C '$repo' fsck --no-progress 2>&1"

cat >"$work/hash_regex.pl" <<'PL'
use strict; use warnings;
my %h;
for my $i (1 .. 200000) {
    my $k = "key" . ($i * 7919 % 50021);
    $h{$k} .= chr(97 + $i % 26);
}
my ($n, $len) = (0, 0);
for my $k (sort keys %h) {
    my $v = $h{$k};
    $v =~ s/([aeiou])/uc $1/ge;
    $n++ if $v =~ /^[A-Za-z]{3,}$/;
    $len += length $v;
}
my $text = join ",", map { "$_=$h{$_}" } (sort keys %h)[0 .. 999];
my @parts = split /,/, $text;
print scalar(keys %h), " $n $len ", scalar(@parts), " ", length(join "", reverse @parts), "\n";
PL
same_output_under_preload perl_hash_regex_string perl "$work/hash_regex.pl"

cat >"$work/prog.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
int main(void)
{
    enum { N = 20000 };
    char **s = malloc(N * sizeof *s);
    for (int i = 0; i < N; i++) {
        s[i] = malloc(32);
        snprintf(s[i], 32, "w%d", (i * 7919) % 100003);
    }
    qsort(s, N, sizeof *s, cmp);
    unsigned long h = 5381;
    for (int i = 0; i < N; i++) {
        for (const char *c = s[i]; *c; c++)
            h = h * 33 + (unsigned char)*c;
        free(s[i]);
    }
    free(s);
    printf("%s %lu\n", "sorted", h);
    return 0;
}
C
same_output_under_preload gcc_compiles_and_runs_c_program bash -c \
    "gcc -O2 -Wall -o '$work/prog.'\$\$ '$work/prog.c' && '$work/prog.'\$\$"

finish
