#!/usr/bin/env python3
"""make.py: generate the synthetic cases of the differential corpus.

    python3 tests/corpus/make.py [--list] [NAME...]

Writes tests/corpus/NAME.img for every case (or the named ones), and
NAME.expect where popinit should report something the kernel keeps quiet
about ("late: TEXT").  Also rewrites tests/corpus/CASES (one line a case:
name, then what it covers).  Deterministic: the same tools give the same
bytes.  Each NAME.img is what the kernel sees after the oracle's own
archive (offset a multiple of 512, state Reset); see tests/oracle/.

Behaviour numbers (B1..B36) refer to the checklist in the research notes
on init/initramfs.c (kernel.md).  The real-tool images come from
tools.sh; the Debian initramfs-tools image from initramfs-tools.regen.
"""
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ in the corpus
sys.path.insert(0, HERE)
import cpiolib  # noqa: E402
from cpiolib import (D, F, L, N, P, S, T, MTIME, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK,  # noqa: E402
                     S_IFREG, S_IFSOCK, compress, entry, gz, header, nulpad, pad512)

CASES = []


def case(name, what, expect=None):
    def reg(fn):
        CASES.append((name, what, expect, fn))
        return fn
    return reg


def cat(*parts):
    return b''.join(parts)


def rnd(seed, n):
    r = random.Random(seed)
    return bytes(r.getrandbits(8) for _ in range(n))


def bigdata(n=1 << 20, seed=7):
    """N bytes of pseudo-random data that still compresses (rotations of
    one random 8 KiB block, each stamped with its index)"""
    base = rnd(seed, 8192)
    out = bytearray()
    k = 0
    while len(out) < n:
        s = (k * 1237) % 8192
        out += struct.pack('<I', k) + base[s:] + base[:s]
        k += 1
    return bytes(out[:n])


def small_tree(tag, mtime=1300000000):
    return cat(D(tag, 0o750, uid=3, gid=4, mtime=mtime),
               F(tag + '/file', 'hello from %s\n' % tag, 0o640, uid=1, gid=2, mtime=mtime + 1),
               L(tag + '/link', 'file', mtime=mtime + 2),
               N(tag + '/null', 'c', 1, 3, 0o666, mtime=mtime + 3),
               P(tag + '/fifo', 0o620, mtime=mtime + 4),
               D(tag + '/sub', 0o700, mtime=mtime + 5),
               F(tag + '/sub/data', bytes(range(256)) * 3, 0o600, mtime=mtime + 6))


def many(prefix, n=1000, seed=3):
    r = random.Random(seed)
    out = [D(prefix, mtime=1400000000)]
    for i in range(n):
        ln = r.choice((0, 1, 2, 3, 4, 5, 17, 100, 333, 1000))
        out.append(F('%s/%s-%d' % (prefix, 'x' * r.randrange(0, 40), i),
                     bytes((i + j) & 0xff for j in range(ln)), mtime=1400000000 + i))
    return cat(*out)


CODECS = ('gzip', 'bzip2', 'lzma', 'xz', 'lzo', 'lz4', 'zstd')

# ---------------------------------------------------------------- top level


@case('empty', 'B1: empty image, nothing created')
def _():
    return b''


@case('all-nul-4096', 'B1: 4096 NULs only')
def _():
    return b'\0' * 4096


@case('nul-padding-1-before-gzip', 'B2: plain archive, 1 NUL, gzip member: broken padding')
def _():
    return cat(F('a', '1'), b'\0', gz(F('b', '2') + T()))


@case('nul-padding-4-before-gzip', 'B2: plain archive, 4 NULs, gzip member: fine')
def _():
    return cat(F('a', '1'), b'\0' * 4, gz(F('b', '2') + T()))


@case('nul-padding-3-between-gzip', 'B2: gzip, 3 NULs, gzip: no alignment rule after compressed')
def _():
    return cat(gz(F('a', '1') + T()), b'\0' * 3, gz(F('b', '2') + T()))


def gz_len_mod(mod, tag):
    """a gzip member whose length is MOD modulo 4"""
    for i in range(400):
        g = gz(F(tag, 'x' * i) + T())
        if len(g) % 4 == mod:
            return g
    raise SystemExit('no gzip of that length')


@case('unaligned-plain-after-gzip', 'B3: plain archive right after a gzip member of odd length: invalid magic')
def _():
    return cat(gz_len_mod(1, 'g'), F('p', 'plain'))


@case('unaligned-plain-after-gzip-nul', 'B3: gzip member, NULs that leave the plain archive unaligned: invalid magic')
def _():
    g = gz_len_mod(0, 'g')
    return cat(g, b'\0' * 6, F('p', 'plain'))


@case('aligned-plain-after-gzip', 'B3, B10: gzip member padded to 4, plain archive overrides a file')
def _():
    g = gz_len_mod(3, 'g')
    return cat(g, b'\0', F('g', 'overridden'), F('p', 'plain'))


@case('unknown-magic', 'B4: unknown 2-byte magic: invalid magic at start of compressed archive')
def _():
    return cat(F('a', '1'), b'XY' + b'\0' * 30)


@case('single-trailing-byte', 'B4: one non-NUL byte left at the end (1f): invalid magic')
def _():
    return cat(F('a', '1'), b'\x1f')


@case('old-gzip-magic', 'lib/decompress: 1f 9e is listed as gzip, gunzip rejects it')
def _():
    g = gz(F('a', '1') + T())
    return cat(F('before', 'b'), g[:1] + b'\x9e' + g[2:])


@case('gzip-method-not-deflate', 'gunzip: method byte 07: Not a gzip file')
def _():
    g = gz(F('a', '1') + T())
    return g[:2] + b'\x07' + g[3:]


@case('gzip-short-header', 'gunzip: fewer than 10 bytes left: Not a gzip file')
def _():
    return cat(F('a', '1'), b'\x1f\x8b\x08\x00\x00')


@case('gzip-unpadded-data', 'B6: last data not padded inside the stream: junk at the end')
def _():
    return cat(F('before', 'b'), gz(F('a', 'one') + F('b', 'abc', pad_data=False)))


@case('gzip-truncated-cpio', 'B6: cpio cut mid-header inside a whole gzip stream: junk at the end')
def _():
    a = F('a', 'one') + F('b', 'two')
    return gz(a[:len(a) - 30])


@case('gzip-truncated-cpio-data', 'B6: cpio cut mid-data inside a whole gzip stream: junk at the end, file left')
def _():
    a = F('a', 'one') + F('b', 'X' * 100)
    return gz(a[:len(a) - 40])


@case('gzip-empty-stream', 'B6: empty gzip stream after an archive (state Reset): fine')
def _():
    return cat(F('a', '1'), gz(b''), gz(F('b', '2')))


@case('junk-within-gzip', 'flush_buffer: non-NUL non-0 byte where a header should be: junk within')
def _():
    return cat(gz(F('a', 'one') + b'JUNK' + F('b', 'two')), F('c', 'three'))


@case('gzip-inner-nul-3', 'B2 inside a stream: 3 NULs between archives: broken padding')
def _():
    return gz(F('a', 'one') + T() + b'\0' * 3 + F('b', 'two'))


@case('gzip-inner-nul-8', 'B2 inside a stream: 8 NULs between archives: fine')
def _():
    return gz(F('a', 'one') + T() + b'\0' * 8 + F('b', 'two'))


@case('two-archives-trailers', 'B12: archive with trailer padded to 512, another with trailer, NULs')
def _():
    return cat(pad512(F('a', '1') + T()), F('b', '2') + T(), b'\0' * 100)


@case('after-trailer-more', 'B12: entries right after TRAILER!!! (no NULs, no new member)')
def _():
    return cat(F('a', '1'), T(), F('b', '2'), T(), T(), F('c', '3'))


@case('override-across-members', 'B10: later members win: plain, gzip, xz rewrite one file')
def _():
    return cat(F('a', 'first', mtime=1000), F('k', 'keep'),
               gz(F('a', 'second', mtime=2000) + T()), b'\0' * 4,
               compress('xz', F('a', 'third!', 0o600, mtime=3000) + T()))


@case('error-stops-first-kept', 'B11, B13: good entries, then magic 070703: no cpio magic, nothing after')
def _():
    bad = F('bad', 'x')
    return cat(F('good', 'g'), D('gd', mtime=5000), b'070703' + bad[6:], F('after', 'a'))


@case('error-first-message-kept', 'B11: bad checksum, then nothing else is parsed (only the first message)')
def _():
    return cat(F('a', 'AAAA', magic=b'070702', check=1), b'070707' + b'0' * 104)


# ---------------------------------------------------------------- codecs

for _c in CODECS:
    def _mk(c):
        @case('codec-' + c, 'codecs: %s alone (kernel build flags)' % c)
        def _():
            return compress(c, small_tree(c) + T())

        @case('codec-%s-then-plain' % c, 'codecs: %s member, NULs to 4 (at least 4), plain archive' % c)
        def _():
            return cat(nulpad(compress(c, small_tree(c) + T()), 4, 4), F(c + '-plain', 'p'))

        @case('plain-then-codec-' + c, 'codecs: plain archive then %s member, no NULs between' % c)
        def _():
            return cat(F('plain-' + c, 'p'), compress(c, small_tree(c) + T()))

        @case('big-file-' + c, 'B8: 1 MiB pseudo-random file through %s (many output chunks)' % c)
        def _():
            return compress(c, cat(F('big', bigdata(), 0o644, mtime=1500000000), T()))

        @case('many-entries-' + c, 'B8: 1000 small entries through %s: headers straddle chunks' % c)
        def _():
            return compress(c, many('m') + T())

        # lz4 would read the gzip magic as a chunk size and decode gzip bytes
        # (an offset-0 match copies uninitialised memory): not deterministic
        if c not in ('gzip', 'lz4'):
            @case('concat-%s-gzip' % c, 'codecs: %s member directly followed by a gzip member (consumed length)' % c)
            def _():
                return cat(compress(c, small_tree(c) + T()), gz(F('after-' + c, 'a') + T()))
    _mk(_c)


@case('concat-gzip-all', 'codecs: gzip bzip2 lzma xz lzo zstd lz4 back to back, no padding')
def _():
    return cat(*(compress(c, small_tree('cat-' + c) + T()) for c in
                 ('gzip', 'bzip2', 'lzma', 'xz', 'lzo', 'zstd', 'lz4')))


@case('concat-all-nul-padded', 'codecs: every codec and plain archives, 0..7 NULs between compressed ones')
def _():
    out = b''
    for i, c in enumerate(('xz', 'zstd', 'lzo', 'bzip2', 'lzma', 'gzip', 'lz4')):
        out += compress(c, small_tree('pad-' + c) + T())
        out += b'\0' * (i if c != 'lz4' else 4)
        if i % 2:
            out = nulpad(out) + F('plain-%d' % i, c)
    return out


@case('concat-xz-xz', 'codecs: two xz streams back to back (one stream per member)')
def _():
    return cat(compress('xz', F('a', 'one') + T()), compress('xz', F('b', 'two') + T()))


@case('concat-zstd-zstd', 'codecs: two zstd frames back to back')
def _():
    return cat(compress('zstd', F('a', 'one') + T()), compress('zstd', F('b', 'two') + T()))


@case('concat-lz4-lz4', 'codecs: lz4 legacy: a second magic inside the stream is skipped')
def _():
    return cat(compress('lz4', F('a', 'one') + T()), compress('lz4', F('b', 'two') + T()))


@case('lz4-then-plain-no-nul', 'codecs: lz4 legacy reads the next 4 bytes as a chunk size')
def _():
    return cat(nulpad(compress('lz4', F('a', 'one') + T())), F('b', 'two'))


@case('lz4-modern-frame', 'codecs: LZ4 frame format (04 22 4d 18) is not the legacy one: invalid magic')
def _():
    import subprocess
    frame = subprocess.run(['lz4', '-9', '-c'], input=F('b', '2'), stdout=-1, check=True).stdout
    return cat(F('a', '1'), frame)


@case('zstd-skippable-frame', 'codecs: zstd skippable frame (50 2a 4d 18) is not recognised: invalid magic')
def _():
    return cat(F('a', '1'), b'\x50\x2a\x4d\x18' + struct.pack('<I', 4) + b'skip',
               compress('zstd', F('b', '2')))


@case('xz-check-crc64', 'codecs: xz with the default CRC64 check')
def _():
    return compress('xz', F('a', 'crc64') + T(), ['--check=crc64'])


@case('xz-check-none', 'codecs: xz with no check')
def _():
    return compress('xz', F('a', 'none') + T(), ['--check=none'])


@case('xz-check-sha256', 'codecs: xz with a SHA-256 check')
def _():
    return compress('xz', F('a', 'sha') + T(), ['--check=sha256'])


def xz_filters(data, *filters):
    import subprocess
    return subprocess.run(['xz', '--check=crc32', *filters, '-c'], input=data, stdout=-1,
                          check=True).stdout


@case('xz-x86-bcj', 'codecs: xz with the x86 BCJ filter, which x86 kernels decode')
def _():
    return xz_filters(F('a', 'x86') + T(), '--x86', '--lzma2')


@case('xz-arm-bcj', 'codecs: xz with the ARM BCJ filter, which x86 kernels refuse')
def _():
    return xz_filters(F('a', 'arm') + T(), '--arm', '--lzma2')


@case('xz-delta-filter', 'codecs: xz with the delta filter, which the kernel refuses')
def _():
    return xz_filters(F('a', 'delta') + T(), '--delta=dist=4', '--lzma2')


# truncated and corrupted streams

def trunc(b, frac=0.6):
    return b[:int(len(b) * frac)]


def payload(tag):
    return cat(small_tree(tag), F(tag + '/big', bigdata(40000, seed=11)), F(tag + '/after', 'x') + T())


for _c in ('gzip', 'bzip2', 'lzma', 'xz', 'lzo', 'zstd'):
    def _mk2(c):
        @case('truncated-' + c, 'decoder error: %s stream cut at 60%%' % c)
        def _():
            return compress(c, payload('t'))

        @case('corrupt-' + c, 'decoder error or garbage: one %s byte flipped in the middle' % c,
              'late: gzip CRC32 mismatch' if c == 'gzip' else None)
        def _():
            b = bytearray(compress(c, payload('k')))
            b[len(b) // 2] ^= 0x55
            return bytes(b)
    _mk2(_c)

# the truncated ones really are cut
for _i, (_n, _w, _e, _f) in enumerate(CASES):
    if _n.startswith('truncated-'):
        CASES[_i] = (_n, _w, _e, (lambda f: lambda: trunc(f()))(_f))


@case('lz4-short-chunk', 'decoder error: lz4 chunk size shortened (a truncated block, read safely)')
def _():
    b = bytearray(compress('lz4', payload('t')))
    (n,) = struct.unpack('<I', b[4:8])
    b[4:8] = struct.pack('<I', n // 2)
    return bytes(b[:8 + n // 2])


@case('gzip-crc-wrong', 'gunzip does not check CRC32: kernel silent', 'late: gzip CRC32 mismatch')
def _():
    b = bytearray(gz(small_tree('crc') + T()))
    b[-8] ^= 0xff
    return bytes(b)


@case('gzip-isize-wrong', 'gunzip does not check ISIZE: kernel silent', 'late: gzip length mismatch')
def _():
    b = bytearray(gz(small_tree('isz') + T()))
    b[-2] ^= 0x10
    return bytes(b)


@case('gzip-fname', 'gunzip skips FNAME (gzip without -n)')
def _():
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as t:
        p = os.path.join(t, 'archive.cpio')
        with open(p, 'wb') as f:
            f.write(small_tree('fname') + T())
        os.utime(p, (1200000000, 1200000000))
        return subprocess.run(['gzip', '-9', '-c', p], stdout=-1, check=True).stdout


def gz_with_flags(flag, extra):
    g = gz(F('a', 'flags') + T())
    return g[:3] + bytes([g[3] | flag]) + g[4:10] + extra + g[10:]


@case('gzip-fcomment', 'gunzip: FCOMMENT not skipped, inflate reads the comment')
def _():
    return gz_with_flags(0x10, b'popinit corpus\0')


@case('gzip-fextra', 'gunzip: FEXTRA not skipped, inflate reads XLEN')
def _():
    return gz_with_flags(0x04, struct.pack('<H', 6) + b'AP\x02\x00hi')


@case('gzip-ftext', 'gunzip: FTEXT is harmless')
def _():
    return gz_with_flags(0x01, b'')


@case('gzip-fname-unterminated', 'gunzip: FNAME that runs to the end: header error')
def _():
    return cat(F('a', '1'), b'\x1f\x8b\x08\x08\0\0\0\0\0\x03name-without-end')


def bzip2_payload(tag):
    return cat(small_tree(tag), F(tag + '/big', bigdata(12000, seed=5)), F(tag + '/after', 'x'), T())


@case('bzip2-block-crc-wrong', 'bunzip2: block CRC wrong: 4 KiB pieces flushed, last partial piece dropped, error')
def _():
    b = bytearray(compress('bzip2', bzip2_payload('bc')))
    assert b[4:10] == bytes.fromhex('314159265359')
    b[10] ^= 0x01
    return bytes(b)


@case('bzip2-stream-crc-wrong', 'bunzip2: combined stream CRC wrong: all data flushed, then error')
def _():
    b = compress('bzip2', bzip2_payload('sc'))
    bits = ''.join('{:08b}'.format(x) for x in b)
    eos = '{:048b}'.format(0x177245385090)
    i = bits.rindex(eos) + 48
    bits = bits[:i] + ('1' if bits[i] == '0' else '0') + bits[i + 1:]
    return bytes(int(bits[j:j + 8], 2) for j in range(0, len(bits), 8))


@case('truncated-lzma-dict4k', 'unlzma: output flushed every dict_size (4 KiB here) bytes; a cut stream loses the rest')
def _():
    data = compress('lzma', bzip2_payload('ld'), ['--lzma1=preset=9,dict=4KiB'])
    return data[:len(data) * 3 // 4]


# ---------------------------------------------------------------- header


@case('magic-070707', 'B13: old binary-ish magic: incorrect cpio method used')
def _():
    return cat(F('a', '1'), b'070707' + F('b', '2')[6:])


@case('magic-mixed', 'B13: 070701 and 070702 entries mixed in one archive')
def _():
    return cat(F('a', 'one'), F('b', 'two', magic=b'070702'), D('d', magic=b'070702', check=0x1234),
               F('c', 'three'), T(magic=b'070702'))


@case('crc-good', 'B28: 070702 files with correct sums, including bytes >= 0x80')
def _():
    return cat(F('a', bytes(range(256)) * 4, magic=b'070702'), F('b', '', magic=b'070702'),
               F('c', b'\xff' * 1001, magic=b'070702'))


@case('crc-bad', 'B28: 070702 bad sum: file written and kept, then bad data checksum')
def _():
    return cat(F('a', 'ok', magic=b'070702'), F('b', 'written anyway', magic=b'070702', check=5, mtime=1000),
               F('c', 'not reached'))


@case('crc-empty-check1', 'B28: empty 070702 file with check 1: bad data checksum')
def _():
    return cat(F('e', '', magic=b'070702', check=1), F('after', 'x'))


@case('crc-nonreg-check-ignored', 'B28: check ignored for dirs, symlinks, nodes and 070701 files')
def _():
    return cat(D('d', magic=b'070702', check=7), L('l', 'target', magic=b'070702', check=8),
               N('n', 'c', 1, 5, magic=b'070702', check=9), F('f', 'abc', check=10),
               F('g', 'abc', magic=b'070702'))


@case('crc-unopened-file', 'B25, B28: 070702 file that cannot be opened: no checksum error')
def _():
    return cat(F('nodir/f', 'data', magic=b'070702', check=3), F('after', 'x'))


@case('hex-0x-prefix', 'B14: 6.1 parses fields leniently: 0x/0X prefixes accepted')
def _():
    ff = (b'%s' + b'%08x' * 2 + b'0x%06x0X%06x' + b'%08x' * 7 + b'0x%06x%08x')
    h = ff % (b'070701', 77, S_IFREG | 0o640, 0x123456, 0x123457, 1, MTIME, 5, 0, 0, 0, 0, 7, 0)
    return cat(entry('hexuid', 'data!', hdr=h, namesize=7),
               entry('d', mode=S_IFDIR | 0o755,
                     hdr=header(ino=b'0x000009', mode=b'0X0041ED', uid=b'0x56\0\0\0\0', gid=0x57,
                                nlink=b'0x000002', mtime=b'0x499602', filesize=0, namesize=b'0x000002')))


@case('hex-nonhex-chars', 'B14: fields stop at the first non-hex char (no error in 6.1)')
def _():
    return cat(entry('f', 'data',
                     hdr=header(ino=5, mode=b'000081a4', uid=b'0000001G', gid=b'12Z45678',
                                nlink=b'1 ......', mtime=b'4B0A1C2Z', filesize=b'00000004',
                                devmajor=b'zzzzzzzz', devminor=b'-1000000', rdevmajor=b'+0000001',
                                namesize=b'00000002', check=b'XXXXXXXX')),
               entry('g', 'abc', hdr=header(ino=6, mode=0o100600, uid=b' 0000007', gid=b'00000007',
                                            nlink=1, mtime=b'499602D2', filesize=3, namesize=2)))


@case('hex-lowercase', 'B14: lowercase hex everywhere')
def _():
    return cat(F('lc', 'x' * 0xab, 0o755, uid=0xab, gid=0xcd, mtime=0x4abcdef0, lower=True),
               N('lcdev', 'b', 0xa, 0xbc, lower=True), T(lower=True))


@case('mode-high-bits', 'B15: mode FFFF81ED is 81ED; 0001A1FF is a symlink; uid/gid 0xFFFFFFFF unchanged')
def _():
    return cat(entry('f', 'data', mode=0xFFFF81ED),
               entry('l', b'f\0', mode=0x0001A1FF),
               F('u', 'x', uid=0xFFFFFFFF, gid=0xFFFFFFFF),
               D('du', 0o750, uid=0xFFFFFFFF, gid=7),
               F('mt', 'x', mtime=0xFFFFFFFF), F('m0', 'x', mtime=0))


@case('padding-ff', 'B16: name and data padding filled with 0xFF is never read')
def _():
    return cat(F('a', 'x', namepad=b'\xff', datapad=b'\xff'), D('dd', namepad=b'\xff'),
               L('ll', 'a', namepad=b'\xff', datapad=b'\xff'), F('bb', 'xyzzy', namepad=b'\xff', datapad=b'\xff'))


@case('name-garbage-after-nul', 'B16, B17: bytes after the first NUL of the name are ignored')
def _():
    return cat(entry(b'abc\0garbage', 'data', namesize=13),
               entry(b'sym\0XX', b'abc\0', mode=S_IFLNK | 0o777, namesize=7))


@case('namesize-0', 'B17: namesize 0: entry skipped silently, next entry fine')
def _():
    return cat(entry(b'', 'skipped data', namesize=0, nul=False), F('after', 'x'))


@case('namesize-4097', 'B17: namesize 4097 (with real bytes): skipped silently')
def _():
    return cat(entry(b'big' + b'/' * 4093, 'skipped', namesize=4097), F('after', 'x'))


@case('namesize-5000-symlink', 'B17: symlink with namesize 5000: skipped')
def _():
    return cat(entry(b'l' * 4999, b'target\0', mode=S_IFLNK | 0o777, namesize=5000), F('after', 'x'))


@case('name-no-nul', 'B17: name not NUL-terminated: malformed archive')
def _():
    return cat(F('before', 'b'), entry('abcd', 'xx', nul=False), F('after', 'x'))


@case('symlink-name-no-nul', 'B17: symlink name not NUL-terminated: malformed archive')
def _():
    return cat(F('before', 'b'), entry('abcd', b'tgt\0', mode=S_IFLNK | 0o777, nul=False))


@case('dir-name-no-nul', 'B17: directory name not NUL-terminated: malformed archive')
def _():
    return cat(F('before', 'b'), entry('dddd', mode=S_IFDIR | 0o755, nul=False))


@case('nonreg-filesize', 'B18: dir, chr, fifo, sock with filesize != 0 are skipped; next fine')
def _():
    return cat(entry('d', 'abcd', mode=S_IFDIR | 0o755), entry('c', 'xy', mode=S_IFCHR | 0o600, rdevmajor=1, rdevminor=3),
               entry('p', 'z', mode=S_IFIFO | 0o644), entry('s', 'zzzzz', mode=S_IFSOCK | 0o644),
               F('after', 'x'))


@case('trailer-nonreg-filesize', 'B18, B22: dir-typed TRAILER!!! with data is skipped: hardlink table kept')
def _():
    return cat(F('h1', '', nlink=2, ino=50), entry('TRAILER!!!', 'abcd', mode=S_IFDIR, ino=0),
               F('h2', 'data', nlink=2, ino=50))


@case('trailer-as-symlink', 'B22: a symlink named TRAILER!!! is a symlink')
def _():
    return cat(L('TRAILER!!!', 'target'), F('x', 'x'))


@case('trailer-typed-file', 'B22: TRAILER!!! with file mode and ino resets the table, creates nothing')
def _():
    return cat(F('h1', 'one', nlink=2, ino=51), entry('TRAILER!!!', '', mode=S_IFREG | 0o644, ino=51, nlink=2),
               F('h2', 'two', nlink=2, ino=51))


@case('empty-name', 'B22: name "" (namesize 1): creates fail, but the dir entry chowns/chmods/stamps the root')
def _():
    return cat(F('', 'data'), D(''), L('', 'x'), F('after', 'x'))


@case('empty-name-attrs', 'B22: name "": mkdir/mknod fail, but chown/chmod/utimes of "" hit the root')
def _():
    return cat(D('', 0o750, uid=3, gid=4, mtime=1500000001), N('', 'c', 1, 3, 0o711, uid=9, gid=9, mtime=1500000002),
               F('after', 'x'))


# ---------------------------------------------------------------- names


@case('names-abs-rel', 'B20: /abs, ./rel, //x, a/../../x, ../../x, a/./b, trailing slashes')
def _():
    return cat(F('/abs', '1'), F('./rel', '2'), F('//dbl', '3'), D('a'), F('a/../../up', '4'),
               F('a/./b', '5'), D('tdir/'), F('tfile/', '6'), F('a/c//d', 'nodir'), D('///e'),
               F('nope/../z', '7'), F('../../esc', '8'), D('../ed'))


@case('dotdot-entry', 'B20, B29: a directory entry ".." at the root is the root itself')
def _():
    return cat(D('..', 0o711, uid=7, gid=8, mtime=1600000000), F('x', 'x'))


@case('names-odd-bytes', 'names with space, newline, tab, 0xff, backslash, UTF-8')
def _():
    return cat(F('with space', 'a'), F('new\nline', 'b'), F('tab\there', 'c'), F(b'hi\xffbyte', 'd'),
               F('back\\slash', 'e'), F('caf\u00e9', 'f'), D('-dash'), F('-dash/--', 'g'))


@case('missing-parent', 'B21: no implicit parent dirs: file, dir, symlink, node skipped silently')
def _():
    return cat(F('a/b', 'x'), D('c/d'), L('e/f', 'x'), N('g/h', 'c', 1, 3), P('i/j'), F('after', 'x'))


@case('symlink-dir-then-file', 'B20: a file below a symlinked dir lands in the target')
def _():
    return cat(D('usr'), D('usr/lib'), L('lib', 'usr/lib'), F('lib/x', 'through'), D('lib/sub'),
               F('lib/sub/y', 'y'))


@case('abs-symlink-write-through', 'B20: absolute and ../ symlinks resolve inside the root')
def _():
    return cat(D('real'), L('lnk', '/real'), F('lnk/x', 'x'), D('d1'), D('d1/d2'),
               L('d1/d2/up', '../../../..'), F('d1/d2/up/y', 'y'), L('d1/abs', '/'), F('d1/abs/z', 'z'))


@case('symlink-outside-file-over', 'B23: a file over a symlink replaces the link, target untouched')
def _():
    return cat(F('victim', 'original'), L('lnk', '/victim'), F('lnk', 'new file'),
               L('lnk2', '/victim'), D('lnk2'), L('dang', '/nowhere/at/all'), F('dang', 'd'))


# ---------------------------------------------------------------- collisions


@case('coll-file-over-empty-dir', 'B23: file over an empty dir replaces it')
def _():
    return cat(D('x', mtime=1000), F('x', 'file now'))


@case('coll-file-over-nonempty-dir', 'B23, B25: file over a non-empty dir: rmdir fails, open fails, data skipped')
def _():
    return cat(D('x'), F('x/in', 'in'), F('x', 'never written ' * 10), F('after', 'x'))


@case('coll-dir-over-file', 'B23: dir over a file replaces it')
def _():
    return cat(F('x', 'file'), D('x', 0o700, uid=4, mtime=2000))


@case('coll-dir-over-dir', 'B23, B29: dir over dir: kept, owner and mode updated')
def _():
    return cat(D('x', 0o755, uid=1, gid=1, mtime=1000), F('x/in', 'in'), D('x', 0o1777, uid=2, gid=3, mtime=3000))


@case('coll-symlink-over-file', 'B23: symlink over a file and over a symlink')
def _():
    return cat(F('x', 'file'), L('x', 'one'), L('x', 'two'), D('dd'), L('dd', 'three'))


@case('coll-symlink-over-nonempty-dir', 'B23: symlink over a non-empty dir: rmdir fails, symlink fails')
def _():
    return cat(D('d'), F('d/x', 'x'), L('d', 'elsewhere'))


@case('coll-file-over-file', 'B23, B25: same type: reused in place with O_TRUNC, new owner/mode/mtime')
def _():
    return cat(F('x', 'a long first content', 0o600, uid=1), F('x', 'short', 0o644, uid=2, gid=3, mtime=5000),
               F('y', 'first'), F('y', ''))


@case('coll-dev-over-dev', 'B23, B31: chr over chr with other rdev: old node kept, attrs updated')
def _():
    return cat(N('c', 'c', 1, 3, 0o600), N('c', 'c', 4, 64, 0o640, uid=5, mtime=2000),
               N('b', 'b', 7, 0), N('b', 'c', 7, 1), P('p'), N('p', 'c', 1, 5))


@case('coll-fifo-over-file', 'B23: fifo over a file, socket over a fifo')
def _():
    return cat(F('x', 'file'), P('x', 0o600), P('y'), S('y'))


@case('coll-mode0-deletes', 'B24: mode-0 entries delete a file, empty dir, symlink, fifo; not a full dir')
def _():
    return cat(F('f', 'x'), D('e'), L('l', 'x'), P('p'), D('full'), F('full/x', 'x'),
               entry('f', mode=0), entry('e', mode=0), entry('l', mode=0o777), entry('p', mode=0),
               entry('full', mode=0), entry('.', mode=0), F('after', 'x'))


@case('coll-badtype-deletes', 'B24: S_IFMT 0o030000 / 0o170000 (unknown types) also delete')
def _():
    return cat(F('f', 'x'), F('g', 'x'), entry('f', mode=0o030644), entry('g', mode=0o170644),
               entry('h', mode=0o070644), F('after', 'x'))


@case('coll-symlink-filesize0', 'B32: symlink with filesize 0 deletes what was there and makes an empty-target symlink')
def _():
    return cat(F('x', 'x'), entry('x', b'', mode=S_IFLNK | 0o777), F('after', 'x'))


@case('rewrite-hardlinked', 'B27: rewriting a file in place changes its other hardlinks')
def _():
    return cat(F('a', '', nlink=2, ino=30), F('b', 'original', nlink=2, ino=30), T(),
               F('a', 'rewritten', mtime=2000))


# ---------------------------------------------------------------- files, dirs, devices


@case('modes-special', 'B26, B36: setuid/setgid/sticky kept, mode 0 objects, DAC ignored')
def _():
    return cat(F('suid', 'x', 0o4755, uid=5, gid=6), F('sgid', 'x', 0o2755, gid=7), F('both', 'x', 0o6711, uid=1),
               F('none', 'x', 0o0), D('sticky', 0o1777), D('sgdir', 0o2775, gid=9), D('closed', 0o000),
               F('closed/in', 'in', 0o000), D('closed/sub', 0o000, uid=3), N('closed/dev', 'c', 1, 3, 0o7777),
               L('closed/lnk', 'x', mode=0o644), F('kmode', 'x', 0o7777))


# popinit leaves out the chown and chmod of a new object in a directory it
# made, when they would change nothing (unpack/sink_fs.c, struct plain_dir):
# in these cases they would, or the directory is not the one it made.  Each
# event that makes popinit forget what it knows (an alias, a removal, the
# root changed) has a case of its own: after it, nothing is left out.
@case('plain-dirs', 'B26: owner and mode of new objects in new dirs: set-group-ID dirs, umask bits, S_ISUID after a chown')
def _():
    return cat(D('sg', 0o2775, gid=5), F('sg/f', 'x'), D('sg/d', 0o755), L('sg/l', 'f'),
               F('sg/d/f', 'y'), D('sg/d/e'), F('sg/d/e/f', 'z'),
               F('m666', 'x', 0o666), F('suid', 'x', 0o4755), F('sgidf', 'x', 0o2755),
               F('suid5', 'x', 0o4755, uid=5), F('own', 'x', 0o640, uid=5, gid=6),
               D('d777', 0o777), D('dsuid', 0o4755), D('dsticky', 0o1777), F('dsticky/f', 'x', 0o600),
               D('t/', 0o700), F('t//g', 'x'), D('grp', 0o755, gid=7), F('grp/f', 'x'))


@case('plain-dirs-root-sgid', 'B26, B29: the root made set-group-ID by a "." entry: new objects in it chowned')
def _():
    return cat(D('a'), F('a/f', 'x'), D('.', 0o2775, gid=5), F('top', 'x'), D('sub', 0o755), F('sub/f', 'x'),
               L('l', 'top'), F('a/g', 'x'))


@case('plain-dirs-alias', 'B26, B29: a new dir made set-group-ID by another name of it (./a): new objects in it chowned')
def _():
    return cat(D('a', 0o755), F('a/f', 'x'), D('./a', 0o2775, gid=5), F('a/g', 'x'), D('a/d'), F('a/d/h', 'x'))


@case('plain-dirs-removed', 'B23, B26: a new dir removed, its name a symlink to a set-group-ID dir: new objects chowned')
def _():
    return cat(D('sg', 0o2775, gid=5), D('b', 0o755), F('b/f', 'x'), entry('b/f', mode=0), entry('b', mode=0),
               L('b', 'sg'), F('b/g', 'x'), D('b/e', 0o755))


@case('plain-dirs-removal-fails', 'B23, B26: a symlink over a non-empty new dir: rmdir fails, the dir kept, new objects in it')
def _():
    return cat(D('sg', 0o2775, gid=5), D('b', 0o755), F('b/f', 'x'), L('b', 'sg'), F('b/g', 'x', 0o640),
               D('b/e', 0o750), F('b/e/h', 'y', 0o600), L('b/l', 'g'))


@case('uid-gid-ffffffff', 'B26: uid/gid 0xFFFFFFFF mean "unchanged" for every type')
def _():
    return cat(F('f', 'x', uid=0xFFFFFFFF, gid=0xFFFFFFFF), D('d', uid=0xFFFFFFFF, gid=5),
               L('l', 'f', uid=7, gid=0xFFFFFFFF), N('n', 'c', 1, 3, uid=0xFFFFFFFF, gid=0xFFFFFFFF),
               F('big', 'x', uid=0xFFFFFFFE, gid=0x80000000))


@case('truncated-plain-mid-header', 'B7: plain archive cut mid-header: kernel silent, entry ignored',
      'late: truncated archive')
def _():
    a = F('a', 'one')
    return (a + F('b', 'two'))[:len(a) + 50]


@case('truncated-plain-mid-name', 'B7: plain archive cut mid-name: kernel silent, entry ignored',
      'late: truncated archive')
def _():
    a = F('a', 'one')
    return (a + F('bbbbbbbb', 'two'))[:len(a) + 113]


@case('truncated-plain-mid-data', 'B7: cut mid-data: file pre-sized, partial data, no mtime',
      'late: truncated archive')
def _():
    a = F('a', 'one')
    return (a + F('b', bytes(range(200)) * 5, 0o640, uid=3, mtime=1000))[:len(a) + 112 + 300]


@case('truncated-plain-mid-symlink', 'B7: cut inside a symlink target: nothing created',
      'late: truncated archive')
def _():
    a = F('a', 'one')
    return (a + L('l', 'a-long-target-name'))[:len(a) + 112 + 5]


@case('truncated-plain-in-padding', 'B7: only the data padding of the last entry is missing: complete')
def _():
    return F('a', 'one', pad_data=False)


@case('truncated-plain-skipped', 'B7: cut inside a skipped (namesize 0) entry', 'late: truncated archive')
def _():
    return cat(F('a', 'one'), entry(b'', 'x' * 100, namesize=0, nul=False))[:200]


@case('dot-entry', 'B29: entry "." mode 0700 uid 5 changes the root itself')
def _():
    return cat(D('.', 0o700, uid=5, gid=6, mtime=1700000000), F('x', 'x'))


@case('dir-mtime-duplicate', 'B30: duplicate dir entries: the first mtime wins')
def _():
    return cat(D('d', mtime=100000), D('d', mtime=200000), D('e', mtime=300000, uid=1), D('e', mtime=400000, uid=2))


@case('dir-mtime-became-nondir', 'B30: a dir that later became a file/symlink still gets the dir mtime')
def _():
    return cat(D('d', mtime=100000), F('d', 'now a file', mtime=900000), D('e', mtime=200000),
               L('e', 'target', mtime=800000), D('g', mtime=300000), F('g', 'x', mtime=700000), D('g', mtime=400000))


@case('dir-mtime-children-later', 'B30: children created later do not disturb dir mtimes (LIFO, at end)')
def _():
    return cat(D('d', mtime=100000), D('d/e', mtime=200000), F('d/e/f', 'x'), F('d/g', 'x'), D('d/e/h', mtime=300000),
               F('d/e/h/i', 'x'))


@case('dir-mtime-after-error', 'B11, B30: dir mtimes applied even after an error')
def _():
    return cat(D('d', mtime=100000), F('d/f', 'x'), b'070707' + b'0' * 104)


@case('dev-numbers', 'B31: rdev as MKDEV/new_encode_dev: big majors/minors, minor bits leaking')
def _():
    return cat(N('c51', 'c', 5, 1), N('b70', 'b', 7, 0), N('cfff', 'c', 0xfff, 0xfffff),
               N('rmaj1000', 'c', 0x1000, 1), N('rmin100000', 'c', 1, 0x100000),
               N('rmin12345678', 'b', 0, 0x12345678), N('big', 'c', 0x12345678, 0x9abcdef0),
               N('c2', 'c', 259, 70000), P('fifo', 0o600, rdevmajor=8, rdevminor=1),
               S('sock', 0o755, rdevmajor=8, rdevminor=2))


@case('fifo-sock', 'B31: fifo and socket with owners, modes, mtimes')
def _():
    return cat(P('p', 0o640, uid=4, gid=5, mtime=1000), S('s', 0o700, uid=6, gid=7, mtime=2000), P('p2', 0o4777))


# ---------------------------------------------------------------- symlinks


@case('symlink-styles', 'B32: gen_init_cpio (NUL counted) and GNU (no NUL) styles, owners, mtimes')
def _():
    return cat(L('gic', 'target/one', uid=1, gid=2, mtime=1000), L('gnu', 'target/two', gnu=True, mtime=2000),
               L('abs', '/abs/target', gnu=True), L('dot', '.'), L('self', 'self'), L('mode', 'x', mode=0o644),
               L('sp', 'with space'), L('nl', 'new\nline', gnu=True))


@case('symlink-embedded-nul', 'B32: target cut at the first NUL (a leading NUL gives an empty-target symlink)')
def _():
    return cat(entry('l', b'abc\0def', mode=S_IFLNK | 0o777), entry('m', b'\0xyz', mode=S_IFLNK | 0o777),
               F('after', 'x'))


@case('symlink-long-targets', 'B32: target of 4095 chars made, 4096 fails, filesize 4097 skipped')
def _():
    return cat(L('t4095', 'a' * 4095, gnu=True), L('t4095n', 'b' * 4095), L('t4096', 'c' * 4096, gnu=True),
               L('t4097', 'd' * 4097, gnu=True), F('after', 'x'))


@case('symlink-nlink2', 'B33: symlinks with nlink 2 and the same ino are never hardlinked')
def _():
    return cat(L('l1', 'a', nlink=2, ino=60), L('l2', 'b', nlink=2, ino=60))


# ---------------------------------------------------------------- hardlinks


@case('hl-data-first', 'B33: data on the first link, later links empty: content kept')
def _():
    return cat(F('a', 'data', nlink=3, ino=10), F('b', '', nlink=3, ino=10, mtime=2000), F('c', '', 0o600, nlink=3, ino=10, uid=4))


@case('hl-data-last', 'B33: gen_init_cpio style, data on the last link')
def _():
    return cat(F('a', '', nlink=3, ino=10), F('b', '', nlink=3, ino=10), F('c', 'data on last', nlink=3, ino=10, mtime=3000))


@case('hl-data-both', 'B33: data on two links: no O_TRUNC, later data truncates and overwrites')
def _():
    return cat(F('a', 'AAAAAAAA', nlink=2, ino=10), F('b', 'BB', nlink=2, ino=10))


@case('hl-across-trailer', 'B33, B22: TRAILER!!! resets the table: same ino after it is a new file')
def _():
    return cat(F('a', 'A', nlink=2, ino=10), T(), F('b', 'B', nlink=2, ino=10), F('c', '', nlink=2, ino=10))


@case('hl-different-types', 'B33: same ino, different types: not linked')
def _():
    return cat(F('f', 'x', nlink=2, ino=11), P('p', nlink=2, ino=11), N('c', 'c', 1, 3, nlink=2, ino=11),
               N('b', 'b', 7, 0, nlink=2, ino=11), F('f2', '', nlink=2, ino=11), N('c2', 'c', 9, 9, nlink=2, ino=11))


@case('hl-dirs-never', 'B33: dirs with nlink 2 and the same ino are separate')
def _():
    return cat(D('d1', nlink=2, ino=12), D('d2', nlink=2, ino=12))


@case('hl-same-name-twice', 'B33: the same name twice with nlink 2: removed, link fails, gone')
def _():
    return cat(F('x', 'data', nlink=2, ino=13), F('x', 'more', nlink=2, ino=13), F('after', 'x'))


@case('hl-first-failed', 'B33: first link not created (no parent): later links fail, data skipped')
def _():
    return cat(F('nodir/a', 'x', nlink=2, ino=14), F('b', 'data', nlink=2, ino=14), F('after', 'x'))


@case('hl-devminor-differs', 'B33: same ino, other devmajor/devminor: not linked')
def _():
    return cat(F('a', 'A', nlink=2, ino=15, devminor=1), F('b', 'B', nlink=2, ino=15, devminor=2),
               F('c', 'C', nlink=2, ino=15, devmajor=1, devminor=1))


@case('hl-nlink1-same-ino', 'B33: nlink 1 entries sharing an ino are never linked')
def _():
    return cat(F('a', 'A', nlink=1, ino=16), F('b', 'B', nlink=1, ino=16))


@case('hl-over-existing', 'B33: link over an existing file replaces it; over a full dir fails')
def _():
    return cat(F('x', 'old'), D('d'), F('d/in', 'in'), F('a', 'A', nlink=3, ino=17), F('x', '', nlink=3, ino=17),
               F('d', 'D', nlink=3, ino=17))


@case('hl-devices', 'B31, B33: hardlinked device/fifo: link only, no chown/chmod/utime on the second')
def _():
    return cat(N('c1', 'c', 1, 3, 0o600, nlink=2, ino=18, uid=1, mtime=1000),
               N('c2', 'c', 1, 3, 0o666, nlink=2, ino=18, uid=2, mtime=2000),
               P('p1', 0o600, nlink=2, ino=19), P('p2', 0o644, nlink=2, ino=19, uid=9, mtime=3000))


@case('hl-attrs', 'B33: later links chown/chmod the shared inode; mtime of the last instance')
def _():
    return cat(F('a', 'data', 0o600, nlink=2, ino=20, uid=1, gid=1, mtime=1000),
               F('b', '', 0o4755, nlink=2, ino=20, uid=2, gid=2, mtime=2000))


@case('hl-kernel-hash-collide', 'B33: many link groups in the 32-bucket hash')
def _():
    out = []
    for i in range(64):
        out.append(F('g%02d-a' % i, '', nlink=2, ino=100 + i * 32, devmajor=i % 3))
    for i in range(64):
        out.append(F('g%02d-b' % i, 'data %d' % i, nlink=2, ino=100 + i * 32, devmajor=i % 3))
    return cat(*out)


# ---------------------------------------------------------------- KUnit (init/initramfs_test.c), adapted


@case('kunit-extract', 'KUnit initramfs_test_extract (lowercase hex)')
def _():
    return cat(entry('initramfs_test_extract', mode=S_IFREG | 0o777, ino=1, uid=12, gid=34, mtime=56, lower=True),
               entry('initramfs_test_extract_dir', mode=S_IFDIR | 0o777, ino=2, mtime=57, lower=True),
               entry('TRAILER!!!', mode=0, ino=0, devminor=0, mtime=0, lower=True))


@case('kunit-fname-overrun', 'KUnit fname_overrun: name without NUL (P padding): malformed archive')
def _():
    h = header(lower=True, ino=1, mode=S_IFREG | 0o777, nlink=1, mtime=1, devminor=1, namesize=29)
    return h + b'initramfs_test_fname_overrun' + b'PP'


@case('kunit-data', 'KUnit initramfs_test_data')
def _():
    return entry('initramfs_test_data', 'ASDF', mode=S_IFREG | 0o777, ino=1, mtime=1, lower=True)


@case('kunit-csum-good', 'KUnit initramfs_test_csum run 1')
def _():
    return cat(entry('initramfs_test_csum', 'ASDF', magic=b'070702', mode=S_IFREG | 0o777, ino=1, mtime=0,
                     check=0x11e, lower=True),
               entry('initramfs_test_csum_not_here', 'ASDF', mode=S_IFREG | 0o777, ino=2, mtime=0, check=5555,
                     lower=True))


@case('kunit-csum-bad', 'KUnit initramfs_test_csum run 2: bad data checksum, first kept')
def _():
    return cat(entry('initramfs_test_csum', 'ASDF', magic=b'070702', mode=S_IFREG | 0o777, ino=1, mtime=0,
                     check=0x11d, lower=True),
               entry('initramfs_test_csum_not_here', 'ASDF', mode=S_IFREG | 0o777, ino=2, mtime=0, check=5555,
                     lower=True))


@case('kunit-hardlink', 'KUnit initramfs_test_hardlink')
def _():
    return cat(entry('initramfs_test_hardlink', mode=S_IFREG | 0o777, ino=1, nlink=2, mtime=0, lower=True),
               entry('initramfs_test_hardlink_link', 'ASDF', mode=S_IFREG | 0o777, ino=1, nlink=2, mtime=0, lower=True))


@case('kunit-many', 'KUnit initramfs_test_many: 1000 entries')
def _():
    return cat(*(entry('initramfs_test_many-%d' % i, mode=S_IFREG | 0o777, ino=i, mtime=0, lower=True)
                 for i in range(1000)))


@case('kunit-fname-pad', 'KUnit fname_pad: namesize 3986 of NULs after the name, data at 4096')
def _():
    d = b'this file data is aligned at 4K in the archive\0'
    return entry('padded_fname', d, mode=S_IFREG | 0o777, ino=1, mtime=1, namesize=4096 - 110, lower=True)


@case('kunit-fname-path-max', 'KUnit fname_path_max: namesize 4097 skipped, 4096 made')
def _():
    return cat(entry(b'fname_oversize' + b'/' * 4082, b'this file data will not be unpacked\0',
                     mode=S_IFDIR | 0o777, ino=1, mtime=0, namesize=4097, lower=True),
               entry(b'fname_ok' + b'/' * 4087, mode=S_IFDIR | 0o777, ino=2, mtime=0, namesize=4096, lower=True))


@case('kunit-hdr-hex', 'KUnit hdr_hex (0x/0X fields): 6.1 accepts it (newest kernels: error)')
def _():
    fmt = b'%s%08x%08x0x%06x0X%06x%08x%08x%08x%08x%08x%08x%08x0x%06x%08x'
    d = b'this file data will not be unpacked\0'
    a = fmt % (b'070701', 1, S_IFREG | 0o777, 0x123456, 0x123457, 1, 0, len(d), 0, 0, 0, 0, 25, 0)
    a += b'initramfs_test_hdr_hex_0\0' + b'\0' + d
    a += b'\0' * ((-len(a)) % 4)
    b = fmt % (b'070701', 2, S_IFDIR | 0o777, 0x56, 0x57, 1, 0, 0, 0, 0, 0, 0, 25, 0)
    b += b'initramfs_test_hdr_hex_1\0' + b'\0'
    return a + b


# ---------------------------------------------------------------- signed images

def initsig(payload, name=b'main', version=1, records=None, tail=0):
    """PAYLOAD with an initsig 1 trailer (verify/sig.h): NUL pad, a newc
    header of mode 0 whose body is manifest, records and footer, then TAIL
    NULs.  The signature bytes are stand-ins: what the kernel does with the
    bytes does not depend on them."""
    import hashlib
    man = b'initsig=1\nname=%s\nversion=%d\npayload-size=%d\npayload-sha256=%s\n' % (
        name, version, len(payload), hashlib.sha256(payload).hexdigest().encode())
    if records is None:
        sig = rnd(99, 71)
        records = b'sig ecdsa-sha256 %s %d\n%s\n' % (b'ab' * 32, len(sig), sig)
    foot = b'~INITSIG1 %010d %010d\n' % (len(man), len(records))
    body = man + records + foot
    hdr = b'070701' + b''.join(b'%08X' % v for v in (0, 0, 0, 0, 0, 0, len(body), 0, 0, 0, 0, 12, 0))
    return payload + b'\0' * ((-len(payload)) % 4) + hdr + b'popinit.sig\0\0\0' + body + b'\0' * tail


@case('initsig-gzip', 'signed image: gzip payload + initsig trailer: the kernel skips the trailer (mode-0 entry)')
def _():
    return initsig(gz_len_mod(1, 'g'))


@case('initsig-plain', 'signed image: plain cpio payload + trailer: skipped, no error')
def _():
    return initsig(cat(F('a', 'plain'), T()))


@case('initsig-zstd-tail', 'signed image: zstd payload, trailer, 700 NULs (a padded block device)')
def _():
    return initsig(compress('zstd', F('z', 'zstd') + T()), tail=700)


@case('initsig-then-image', 'signed image then another archive: the kernel goes on after the trailer')
def _():
    s = initsig(gz(F('first', '1') + T()))
    return cat(s, b'\0' * ((-len(s)) % 4), F('second', '2'), T())


# ---------------------------------------------------------------- listed only

# made by tools.sh and initramfs-tools.regen, listed in CASES for reference
OTHER_CASES = (
    ('tool-gnu-cpio-newc', 'real tools: GNU cpio -H newc --reproducible, "find ." order (entry "." included)'),
    ('tool-gnu-cpio-crc', 'real tools: GNU cpio -H crc (070702), names without ./'),
    ('tool-gnu-cpio-newc-gzip', 'real tools: GNU cpio newc | gzip -n -9'),
    ('tool-gnu-cpio-hardlinks', 'real tools: GNU cpio newc of a hardlink-rich tree (data on the last link)'),
    ('tool-bsdcpio-newc', 'real tools: bsdcpio --format newc, "find ." order'),
    ('tool-bsdcpio-newc-zstd', 'real tools: bsdcpio newc | zstd -19'),
    ('tool-bsdcpio-hardlinks', 'real tools: bsdcpio newc of the hardlink-rich tree'),
    ('tool-gen-init-cpio', 'real tools: 6.1 usr/gen_init_cpio -t (hard links listed before their dir: data lost)'),
    ('tool-gen-init-cpio-c', 'real tools: gen_init_cpio -c (070702 with sums)'),
    ('tool-gen-init-cpio-xz', 'real tools: gen_init_cpio | xz --check=crc32 --lzma2=dict=1MiB'),
    ('initramfs-tools', 'real tools: Debian mkinitramfs (zstd, MODULES=list); image not committed, see .regen'),
)


# ---------------------------------------------------------------- main


# where popinit knowingly differs from the kernel (README, reference
# semantics): the trees differ exactly as NAME.diff records
EMPTY_TARGET = ('differs: userspace cannot create a symlink with an empty target, which the kernel can\n'
                'late: symlink with an empty target not created')
BROKEN_XZ = ("differs: liblzma and the kernel's xz decoder stop at different points in broken data; "
             'the message is the same')
XZ_CHECKS = 'differs: popinit accepts xz with CRC64 and SHA-256 checks, which 6.1 refuses\nerror: none'
DIFFERS = {
    'coll-symlink-filesize0': EMPTY_TARGET,
    'symlink-embedded-nul': EMPTY_TARGET,
    'corrupt-xz': BROKEN_XZ,
    'truncated-xz': BROKEN_XZ,
    'xz-check-crc64': XZ_CHECKS,
    'xz-check-sha256': XZ_CHECKS,
}


def main(argv):
    if argv[:1] == ['--list']:
        for name, what, _e, _f in CASES:
            print('%s\t%s' % (name, what))
        return
    names = {c[0] for c in CASES}
    assert len(names) == len(CASES), 'duplicate case names'
    want = set(argv) or names
    for n in want - names:
        raise SystemExit('make.py: no case %s' % n)
    for name, what, expect, fn in CASES:
        if name not in want:
            continue
        cpiolib._ino.n = 1000   # each case numbers its inodes alone
        data = fn()
        with open(os.path.join(HERE, name + '.img'), 'wb') as f:
            f.write(data)
        ep = os.path.join(HERE, name + '.expect')
        expect = expect or DIFFERS.get(name)
        if expect:
            with open(ep, 'w') as f:
                f.write(expect + '\n')
        elif os.path.exists(ep):
            os.unlink(ep)
    if not argv:
        with open(os.path.join(HERE, 'CASES'), 'w') as f:
            f.write('# generated by make.py: every case (name, behaviour)\n')
            for name, what, _e, _f in CASES:
                f.write('%s\t%s\n' % (name, what))
            for name, what in OTHER_CASES:
                f.write('%s\t%s\n' % (name, what))


if __name__ == '__main__':
    main(sys.argv[1:])
