#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Copies the BPF objects embedded in executables (libbpf skeletons) out as .bpf.o files.

A skeleton carries its object verbatim: an ELF image whose header says ELFCLASS64, ET_REL and
e_machine EM_BPF (247). Its section header table is the last thing in the image, so the image
ends at e_shoff + e_shnum * e_shentsize. Identical images (tools that share one skeleton, or
symlinked binaries) are written once, named after the first executable that holds them.

Usage: extract_bpf_objects.py SRC_DIR... DEST_DIR    prints how many objects it wrote
"""
import hashlib
import os
import struct
import sys

EM_BPF = 247
ET_REL = 1
ELF64_LE = b"\x7fELF\x02\x01"  # magic, ELFCLASS64, ELFDATA2LSB


def embedded_objects(data):
    start = data.find(ELF64_LE, 1)  # offset 0 is the executable itself
    while start >= 0:
        header = data[start:start + 64]
        if len(header) == 64:
            e_type, e_machine = struct.unpack_from("<HH", header, 16)
            (e_shoff,) = struct.unpack_from("<Q", header, 40)
            e_shentsize, e_shnum = struct.unpack_from("<HH", header, 58)
            end = start + e_shoff + e_shentsize * e_shnum
            if e_type == ET_REL and e_machine == EM_BPF and e_shnum and end <= len(data):
                yield data[start:end]
        start = data.find(ELF64_LE, start + 1)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    *sources, dest = argv[1:]
    os.makedirs(dest, exist_ok=True)
    seen = set()
    for src in sources:
        for name in sorted(os.listdir(src)):
            path = os.path.join(src, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            with open(path, "rb") as f:
                data = f.read()
            for n, image in enumerate(embedded_objects(data)):
                digest = hashlib.sha256(image).digest()
                if digest in seen:
                    continue
                seen.add(digest)
                out = f"{name}.bpf.o" if n == 0 else f"{name}.{n}.bpf.o"
                with open(os.path.join(dest, out), "wb") as f:
                    f.write(image)
    print(len(seen))


if __name__ == "__main__":
    main(sys.argv)
