#!/bin/sh
# probe.sh: popinit's superblock and partition-table reading against
# blkid, on real mkfs outputs (ext2/3/4, xfs, btrfs, vfat, erofs,
# squashfs) and real MBR and GPT tables made by sfdisk.  PASS/FAIL lines.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
p=${POPINIT:-$top/build/popinit}
w=${TESTDIR:-$top/build/test}/probe
rm -rf "$w"; mkdir -p "$w/tree"
echo data > "$w/tree/file"
PATH=$PATH:/sbin:/usr/sbin

check() { # check NAME IMAGE: TYPE, UUID and LABEL as blkid reads them
	n=$1 img=$2
	b=$(blkid -p -o export "$img" 2>/dev/null)
	bt=$(echo "$b" | sed -n 's/^TYPE=//p'); bu=$(echo "$b" | sed -n 's/^UUID=//p'); bl=$(echo "$b" | sed -n 's/^LABEL=//p')
	g=$("$p" probe "$img")
	gt=$(echo "$g" | sed -n 's/.* TYPE="\([^"]*\)".*/\1/p'); gu=$(echo "$g" | sed -n 's/.* UUID="\([^"]*\)".*/\1/p')
	gl=$(echo "$g" | sed -n 's/.* LABEL="\([^"]*\)".*/\1/p')
	if [ -n "$bt" ] && [ "$bt" = "$gt" ] && [ "$bu" = "$gu" ] && [ "$bl" = "$gl" ]; then echo "PASS probe/$n"
	else echo "FAIL probe/$n: blkid: $bt $bu $bl; popinit: $gt $gu $gl"; fi
}

mk() { truncate -s "$2" "$w/$1.img"; }
mk ext2 8M; mkfs.ext2 -q -L root-ext2 "$w/ext2.img" && check ext2 "$w/ext2.img"
mk ext3 8M; mkfs.ext3 -q -L root-ext3 "$w/ext3.img" && check ext3 "$w/ext3.img"
mk ext4 16M; mkfs.ext4 -q -L root-ext4 -d "$w/tree" "$w/ext4.img" && check ext4 "$w/ext4.img"
mk xfs 320M; mkfs.xfs -q -L rootxfs "$w/xfs.img" && check xfs "$w/xfs.img"
mk btrfs 128M; mkfs.btrfs -q -L root-btrfs "$w/btrfs.img" > /dev/null && check btrfs "$w/btrfs.img"
mk vfat 32M; mkfs.vfat -n ROOTVFAT "$w/vfat.img" > /dev/null && check vfat "$w/vfat.img"
mk fat32 64M; mkfs.vfat -F 32 -n ROOT32 "$w/fat32.img" > /dev/null && check vfat-fat32 "$w/fat32.img"
mkfs.erofs --quiet -U 0a1b2c3d-1111-2222-3333-444455556666 "$w/erofs.img" "$w/tree" > /dev/null 2>&1 && check erofs "$w/erofs.img"
mksquashfs "$w/tree" "$w/squashfs.img" -quiet -noappend > /dev/null && check squashfs "$w/squashfs.img"

# partition tables: every partition's PARTUUID (and GPT name) as blkid has them
parts() { # parts NAME IMAGE
	n=$1 img=$2
	want=$(sfdisk -J "$img" 2>/dev/null | python3 -c '
import json, sys
t = json.load(sys.stdin)["partitiontable"]
for p in t["partitions"]:
    n = int(p["node"].rsplit("img", 1)[1].lstrip("p"))
    if t["label"] == "dos":
        u = "%s-%02x" % (t["id"][2:].lower(), n)
    else:
        u = p["uuid"].lower()
    print(n, u, p.get("name", ""), p["start"], p["size"])')
	got=$("$p" probe "$img" | sed -n 's/.* PART=\([0-9]*\) PARTUUID="\([^"]*\)"\( PARTLABEL="\([^"]*\)"\)\? START=\([0-9]*\) SECTORS=\([0-9]*\)/\1 \2 \4 \5 \6/p')
	if [ -n "$want" ] && [ "$want" = "$got" ]; then echo "PASS probe/$n"
	else echo "FAIL probe/$n: sfdisk: $(echo "$want" | tr '\n' '|') popinit: $(echo "$got" | tr '\n' '|')"; fi
}
mk gpt 64M
printf 'label: gpt\nsize=8M, name="popinit-a"\nsize=8M, name="popinit-b"\nsize=4M, name="data"\n' | sfdisk -q "$w/gpt.img" && parts gpt "$w/gpt.img"
mk mbr 64M
printf 'label: dos\nlabel-id: 0x1234abcd\nsize=8M, type=83\nsize=8M, type=83\ntype=5\nsize=4M, type=83\nsize=4M, type=83\n' | sfdisk -q "$w/mbr.img" && parts mbr-logical "$w/mbr.img"
