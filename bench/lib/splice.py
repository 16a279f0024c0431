#!/usr/bin/env python3
"""splice.py RESULTS.md NEW.md MODE [ONLY]: write NEW.md's table into bench/RESULTS.md.

  MODE=full   NEW.md is a whole run's table: it replaces the file, but the "at scale" section of the
              old file is kept when the run left (x) out (it is a separate, longer run)
  MODE=scale  NEW.md is the table of a BENCH_ONLY run holding scale (ONLY: its list): it replaces the old "at scale" section (or is
              appended as one), every other row of the file kept
"""
import os
import sys

BEGIN, END = "<!-- scale:begin -->", "<!-- scale:end -->"
HEADING = "# ordersync benchmark"


def split(text):
    """(before, the scale block with its markers, after); an empty block when there is none."""
    a = text.find(BEGIN)
    b = text.find(END, a)
    if a < 0 or b < 0:
        return text, "", ""
    return text[:a], text[a:b + len(END)], text[b + len(END):]


path, new, mode = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
only = sys.argv[4] if len(sys.argv) > 4 else "scale"
old = open(path).read() if os.path.exists(path) else ""
before, block, after = split(old)
if mode == "full":
    out = new if "| (x) " in new or not block else new.rstrip("\n") + "\n\n" + block + "\n"
else:
    body = new.replace(HEADING, f"## At scale: `BENCH_ONLY={only} bench/run`", 1).strip("\n")
    block = f"{BEGIN}\n{body}\n{END}"
    out = before + block + after if BEGIN in old else old.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(out)
