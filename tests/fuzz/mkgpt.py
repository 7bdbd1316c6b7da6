#!/usr/bin/env python3
"""mkgpt.py OUT: a 64 KiB disk of 4096-byte sectors with a GPT of 4 entries,
rootfs_a (priority 1, successful) and rootfs_b (priority 2, 3 tries), both
copies valid: a seed of fuzz_gpt (sfdisk cannot make 4096-byte sectors in a
file, and cgpt takes only 512)."""
import struct
import sys
import zlib

ss, n, sectors = 4096, 4, 16
d = bytearray(ss * sectors)
d[446 + 4], d[510], d[511] = 0xEE, 0x55, 0xAA
ent = bytearray(ss)
for i, (name, attr) in enumerate((("rootfs_a", 1 << 56 | 1 << 48), ("rootfs_b", 3 << 52 | 2 << 48))):
    struct.pack_into("<16s16sQQQ", ent, i * 128, b"\x0f" * 16, bytes([i + 1]) * 16, 4 + 3 * i, 6 + 3 * i, attr)
    ent[i * 128 + 56:i * 128 + 56 + 2 * len(name)] = name.encode("utf-16-le")
for lba, alt, e in ((1, sectors - 1, 2), (sectors - 1, 1, sectors - 2)):
    h = bytearray(92)
    struct.pack_into("<8sIIIIQQQQ16sQIII", h, 0, b"EFI PART", 0x10000, 92, 0, 0, lba, alt, 3, sectors - 3,
                     b"\x42" * 16, e, n, 128, zlib.crc32(ent[:n * 128]))
    struct.pack_into("<I", h, 16, zlib.crc32(h))
    d[lba * ss:lba * ss + 92] = h
    d[e * ss:e * ss + ss] = ent
open(sys.argv[1], "wb").write(d)
