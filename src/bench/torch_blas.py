"""The BLAS anchor of `tandem bench`: which BLAS library the torch process actually loaded, and its speed.

Usage: torch_blas.py THREADS
Prints one JSON object: the shared libraries mapped into this process (from /proc/self/maps, after torch has
been imported and has run a matmul) whose file name names a BLAS, the thread count torch uses, and the median
float32 matmul rate in GFLOP/s. Build flags (torch.__config__) are not used: Debian's torch is built against the
generic libblas.so.3, and which implementation that is depends on what the alternatives system points it at.
"""
import json
import re
import statistics
import sys
import time

import torch

N = 512
BLAS_FILE = re.compile(r"(blas|mkl|blis|atlas)", re.IGNORECASE)


def loaded_blas_libraries():
    paths = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            if path.startswith("/") and BLAS_FILE.search(path.rsplit("/", 1)[-1]):
                paths.add(path)
    return sorted(paths)


def matmul_gflops():
    gen = torch.Generator().manual_seed(0)
    a = torch.rand(N, N, generator=gen)
    b = torch.rand(N, N, generator=gen)
    for _ in range(3):
        torch.mm(a, b)
    samples = []
    start = time.perf_counter()
    while len(samples) < 5 or time.perf_counter() - start < 0.5:
        t0 = time.perf_counter()
        torch.mm(a, b)
        samples.append(time.perf_counter() - t0)
    return 2 * N**3 / statistics.median(samples) / 1e9


def main():
    torch.set_num_threads(int(sys.argv[1]))
    gflops = matmul_gflops()
    print(json.dumps({"libraries": loaded_blas_libraries(), "threads": torch.get_num_threads(), "gflops": gflops, "matmul": N}))


if __name__ == "__main__":
    main()
