#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reads meson's testlog.json files and prints "N passed, N failed", counting doctest's
test cases inside each executable; a test that died before its summary counts as one
failure. With --reports DIR, each sanitizer report file in DIR (written by any process
of the run, roostd included) counts as one more failure and is printed. Exits 1 when
anything failed or no test ran."""
import argparse
import json
import pathlib
import re
import sys

parser = argparse.ArgumentParser()
parser.add_argument("logs", nargs="+", help="meson-logs/testlog.json of each build")
parser.add_argument("--reports", action="append", default=[],
                    help="a directory of sanitizer reports (ASAN/UBSAN log_path)")
args = parser.parse_args()

summary = re.compile(r"\[doctest\] test cases:\s*(\d+) \|\s*(\d+) passed \|\s*(\d+) failed")
passed = failed = 0
for path in args.logs:
    build = pathlib.Path(path).parent.parent.name
    with open(path, encoding="utf-8") as log:
        for line in log:
            test = json.loads(line)
            ok = test["result"] in ("OK", "EXPECTEDFAIL")
            found = summary.findall(test.get("stdout") or "")
            if found:
                _, p, f = map(int, found[-1])
                passed += p
                failed += f
                if not ok and f == 0:
                    failed += 1  # crashed or timed out after its summary
            elif test["result"] != "SKIP":
                passed += ok
                failed += not ok
            if not ok and test["result"] != "SKIP":
                print(f"FAILED: {build}: {test['name']} ({test['result']})", file=sys.stderr)
for directory in args.reports:
    for report in sorted(pathlib.Path(directory).glob("*")):
        failed += 1
        print(f"FAILED: sanitizer report {report}:", file=sys.stderr)
        print(report.read_text(errors="replace"), file=sys.stderr)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
