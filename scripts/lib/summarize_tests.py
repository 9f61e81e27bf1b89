#!/usr/bin/env python3
"""Reads meson's testlog.json and prints "N passed, N failed", counting doctest's
test cases inside each executable; a test that died before its summary counts as one
failure. Exits 1 when anything failed or no test ran."""
import json
import re
import sys

summary = re.compile(r"\[doctest\] test cases:\s*(\d+) \|\s*(\d+) passed \|\s*(\d+) failed")
passed = failed = 0
with open(sys.argv[1], encoding="utf-8") as log:
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
            if not ok:
                print(f"FAILED: {test['name']} ({test['result']})", file=sys.stderr)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
