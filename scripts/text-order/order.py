#!/usr/bin/env python3
"""Turns trace.c's records into the linker's symbol ordering file.

Usage: order.py BINARY FUNCTIONS OUT TRACE...
FUNCTIONS is the address list trace.c was given; each TRACE a file it wrote (NAME.PID). The
names come out in the order their functions first ran, the traces taken in the order their
processes started (by process id), so the bench's start-up path leads; each name once.
"""
import struct
import subprocess
import sys


def main():
    binary, functions, out, traces = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    traces.sort(key=lambda t: int(t.rsplit(".", 1)[-1]) if t.rsplit(".", 1)[-1].isdigit() else 0)
    addresses = sorted(int(line, 16) for line in open(functions))
    names_at = {}
    listing = subprocess.run(
        ["nm", "-S", "--defined-only", binary], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        parts = line.split(maxsplit=3)
        if len(parts) == 4 and parts[2] in "tTwW" and int(parts[1], 16):
            names_at.setdefault(int(parts[0], 16), []).append((int(parts[1], 16), parts[3]))
    ran, names, listed, size = set(), [], set(), 0
    for trace in traces:
        with open(trace, "rb") as f:
            for (index,) in struct.iter_unpack("<I", f.read()):
                at = addresses[index]
                if at in ran:
                    continue
                ran.add(at)
                for _, name in names_at[at]:
                    if name not in listed:
                        listed.add(name)
                        names.append(name)
                size += names_at[at][0][0]
    with open(out, "w") as f:
        f.writelines(name + "\n" for name in names)
    print(f"{len(ran)} functions ran, {size / 1048576:.2f} MiB of code", file=sys.stderr)


if __name__ == "__main__":
    main()
