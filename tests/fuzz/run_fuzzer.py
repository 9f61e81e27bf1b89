#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs one libFuzzer target over its seed corpus and then for a while.

New inputs go to --work (a temp dir, removed, when not given), never to the seed
corpus in the tree; crashes are written under --artifacts and this run's are listed at the end.
The dictionary next to the corpus (tests/fuzz/<target>.dict) is used when present.
Exits non-zero when the target crashed or broke an invariant."""
import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

parser = argparse.ArgumentParser()
parser.add_argument("target", help="the fuzz executable")
parser.add_argument("corpus", help="the seed corpus directory (read only)")
parser.add_argument("--seconds", type=int, default=20, help="fuzzing time after the corpus")
parser.add_argument("--work", help="where new corpus entries are kept")
parser.add_argument("--artifacts", required=True, help="where crashing inputs are written")
args = parser.parse_args()

corpus = pathlib.Path(args.corpus)
name = corpus.name
artifacts = pathlib.Path(args.artifacts)
artifacts.mkdir(parents=True, exist_ok=True)
earlier = set(artifacts.iterdir())
dictionary = corpus.parent.parent / f"{name}.dict"

with tempfile.TemporaryDirectory(prefix=f"roost-fuzz-{name}-") as temp:
    work = pathlib.Path(args.work or temp)
    work.mkdir(parents=True, exist_ok=True)
    command = [args.target, f"-max_total_time={args.seconds}", "-timeout=10",
               "-rss_limit_mb=2048", "-print_final_stats=1",
               f"-artifact_prefix={artifacts}/"]
    if dictionary.exists():
        command.append(f"-dict={dictionary}")
    command += [str(work), str(corpus)]  # libFuzzer writes new inputs to the first
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "halt_on_error=1:abort_on_error=1:detect_leaks=1")
    env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
    print(" ".join(command), flush=True)
    code = subprocess.run(command, env=env).returncode

crashes = sorted(p for p in set(artifacts.iterdir()) - earlier if p.is_file())
for crash in crashes:
    print(f"crash: {crash}", file=sys.stderr)
sys.exit(code if code else (1 if crashes else 0))
