#!/usr/bin/env python3
"""unpack-kernel.py BZIMAGE VMLINUX: the uncompressed ELF kernel inside an
xz-compressed bzImage. Xen's domain builder loads it without decompressing
it in dom0 userspace, which under TCG saves ~13 s per guest start."""
import lzma
import sys

data = open(sys.argv[1], "rb").read()
start = data.find(b"\xfd7zXZ\x00")
if start < 0:
    sys.exit(f"{sys.argv[1]}: no xz stream (not an xz bzImage)")
elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[start:])
if not elf.startswith(b"\x7fELF"):
    sys.exit(f"{sys.argv[1]}: the xz stream is not an ELF kernel")
open(sys.argv[2], "wb").write(elf)
