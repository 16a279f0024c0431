#!/usr/bin/env python3
"""splice.py RESULTS.md NEW.md MODE [ONLY]: write NEW.md's table into bench/RESULTS.md.

  MODE=full   NEW.md is a whole run's table: it replaces the file, but the "at scale" and "PostgreSQL"
              sections of the old file are kept when the run left (x), resp. (pg), out (they are separate,
              longer runs)
  MODE=scale  NEW.md is the table of a BENCH_ONLY run holding scale (ONLY: its list): it replaces the old "at scale" section (or is
              appended as one), every other row of the file kept
  MODE=pg     NEW.md is the table of a BENCH_ONLY run holding pg (and not scale): the same with the
              "PostgreSQL" section
  MODE=hostile  NEW.md is the table of a BENCH_ONLY run holding hostile (and neither scale nor pg): the same
              with the "Hostile load" section
"""
import os
import sys

HEADING = "# ordersync benchmark"
BLOCKS = {  # mode: (begin marker, end marker, heading of the section, a row only that section has)
    "scale": ("<!-- scale:begin -->", "<!-- scale:end -->", "## At scale: `BENCH_ONLY={only} bench/run`", "| (x) "),
    "pg": ("<!-- pg:begin -->", "<!-- pg:end -->", "## PostgreSQL: `BENCH_ONLY={only} bench/run`", "| (pa) "),
    "hostile": ("<!-- hostile:begin -->", "<!-- hostile:end -->", "## Hostile load: `BENCH_ONLY={only} bench/run`", "| (h) "),
}


def split(text, begin, end):
    """(before, the block with its markers, after); an empty block when there is none."""
    a = text.find(begin)
    b = text.find(end, a)
    if a < 0 or b < 0:
        return text, "", ""
    return text[:a], text[a:b + len(end)], text[b + len(end):]


path, new, mode = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
only = sys.argv[4] if len(sys.argv) > 4 else mode
old = open(path).read() if os.path.exists(path) else ""
if mode == "full":
    out = new
    for begin, end, _, marker in BLOCKS.values():
        block = split(old, begin, end)[1]
        if block and marker not in new:
            out = out.rstrip("\n") + "\n\n" + block + "\n"
else:
    begin, end, heading, _ = BLOCKS[mode]
    before, _, after = split(old, begin, end)
    body = new.replace(HEADING, heading.format(only=only), 1).strip("\n")
    block = f"{begin}\n{body}\n{end}"
    out = before + block + after if begin in old else old.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(out)
