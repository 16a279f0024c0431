#!/usr/bin/env python3
"""timecmd.py N CMD [ARGS...]: run CMD N times, stdout to /dev/null, and print
median_s=.. best_s=.. all=.. maxrss_kb=.. (peak RSS of any run). Exit 1 if a run fails."""
import resource
import statistics
import subprocess
import sys
import time

n, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(n):
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode
    times.append(time.perf_counter() - t0)
    if rc != 0:
        print(f"timecmd: {cmd[0]} exited {rc}", file=sys.stderr)
        sys.exit(1)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"median_s={statistics.median(times):.4f} best_s={min(times):.4f} "
      f"all={','.join(f'{t:.3f}' for t in times)} maxrss_kb={rss}")
