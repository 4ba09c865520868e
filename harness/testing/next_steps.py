#!/usr/bin/env python3
"""Runs every next step a session report suggests and checks that it keeps its promise.

usage: next_steps.py REPORT.md WORKDIR

A report's "Next steps, ranked" table says for each step what its commands print ("prints
`TEXT`" or "print `TEXT`" in the expected outcome); its "# N" code blocks hold the commands.
Each block runs with bash -e in WORKDIR (a throw-away copy of the repository: the commands
rebuild ./libhakmem.so), with quick sizes: a --runs N of run_ab.sh becomes --runs 3. A step
passes when its commands exit 0 and their output (stdout and stderr) holds TEXT. Prints one
"ok"/"FAIL" line per step and "N passed, N failed" last; exits 1 when a step failed or the
report has steps without commands (a report with "Nothing to fix" has none to run).
"""
import re
import subprocess
import sys

STEP_TIMEOUT_S = 400


def section(text, title):
    start = text.find("\n## " + title + "\n")
    if start < 0:
        return ""
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def promises(steps):
    """Step number -> the text its expected outcome says the commands print."""
    out = {}
    for line in steps.splitlines():
        m = re.match(r"^\| (\d+) \| .* \| (.*) \|$", line)
        if not m:
            continue
        p = re.search(r"\bprints? [^`]*`([^`]+)`", m.group(2))
        out[int(m.group(1))] = p.group(1) if p else None
    return out


def blocks(steps):
    """Step number -> its commands."""
    out = {}
    for m in re.finditer(r"^(`{3,})sh\n# (\d+)\n(.*?)^\1$", steps, re.S | re.M):
        out[int(m.group(2))] = m.group(3)
    return out


def main():
    report, workdir = sys.argv[1], sys.argv[2]
    steps = section(open(report, encoding="utf-8").read(), "Next steps, ranked")
    want, cmds = promises(steps), blocks(steps)
    passed = failed = 0
    if not cmds and "Nothing to fix" not in steps:
        print("FAIL  no next steps with commands in", report)
        failed += 1
    for n in sorted(cmds):
        script = re.sub(r"(\./run_ab\.sh .*?--runs )\d+", r"\g<1>3", cmds[n])
        promise = want.get(n)
        try:
            r = subprocess.run(["bash", "-e", "-c", script], cwd=workdir, capture_output=True,
                               text=True, timeout=STEP_TIMEOUT_S)
            output, rc = r.stdout + r.stderr, r.returncode
        except subprocess.TimeoutExpired:
            output, rc = "", "timeout"
        ok = rc == 0 and promise is not None and promise in output
        print("%s  step %d of %s: exit %s, promised %r%s" % (
            "ok  " if ok else "FAIL", n, report.rsplit("/", 1)[-1], rc, promise,
            "" if ok else " not printed" if rc == 0 else ""))
        if not ok:
            print("      | " + "\n      | ".join((script.strip() + "\n---\n" + output[-1500:]).splitlines()))
        passed += ok
        failed += not ok
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


main()
