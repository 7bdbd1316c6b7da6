"""cpiolib.py: a newc/crc cpio builder for the differential corpus.

Every header field is controllable: an int (written as 8 hex digits,
uppercase unless lower=True) or bytes (written verbatim, for malformed
headers).  The name field is NAME + NUL (unless nul=False) padded with
NAMEPAD to N_ALIGN(namesize); namesize defaults to len(name) + 1 but can be
anything.  The data is DATA padded with DATAPAD to a multiple of 4;
filesize defaults to len(data).  An archive is assumed to start at an
offset that is a multiple of 4 (the kernel aligns relative to its own
offset: the start of the initrd for plain archives, the start of the
decompressed stream inside a compressed one).

Compressors are run exactly as the kernel build (scripts/Makefile.lib of
6.1) runs them.
"""
import subprocess

S_IFMT = 0o170000
S_IFSOCK = 0o140000
S_IFLNK = 0o120000
S_IFREG = 0o100000
S_IFBLK = 0o060000
S_IFDIR = 0o040000
S_IFCHR = 0o020000
S_IFIFO = 0o010000

MTIME = 1234567890  # 2009-02-13: far from "now"

FIELDS = ('ino', 'mode', 'uid', 'gid', 'nlink', 'mtime', 'filesize', 'devmajor',
          'devminor', 'rdevmajor', 'rdevminor', 'namesize', 'check')


def n_align(n):
    return ((n + 1) & ~3) + 2


def pad4(n):
    return (-n) % 4


def _field(v, lower):
    if isinstance(v, (bytes, bytearray)):
        assert len(v) == 8, v
        return bytes(v)
    assert 0 <= v <= 0xFFFFFFFF, v
    return (b'%08x' if lower else b'%08X') % v


class Ino:
    """Inode numbers for entries that do not name one (never hardlinked
    by accident: nlink defaults to 1 anyway)."""
    def __init__(self, start=1000):
        self.n = start

    def __call__(self):
        self.n += 1
        return self.n


_ino = Ino()


def header(magic=b'070701', lower=False, **f):
    out = bytes(magic)
    for k in FIELDS:
        out += _field(f.get(k, 0), lower)
    return out


def entry(name, data=b'', *, magic=b'070701', mode=S_IFREG | 0o644, ino=None,
          uid=0, gid=0, nlink=1, mtime=MTIME, filesize=None, devmajor=0,
          devminor=1, rdevmajor=0, rdevminor=0, namesize=None, check=None,
          nul=True, namepad=b'\0', datapad=b'\0', pad_data=True, lower=False,
          hdr=None):
    """One entry.  NAME (str or bytes) is written followed by a NUL (if
    nul), then NAMEPAD bytes up to N_ALIGN(namesize); DATA then DATAPAD
    bytes up to a multiple of 4 (if pad_data).  HDR: raw header bytes."""
    if isinstance(name, str):
        name = name.encode()
    if isinstance(data, str):
        data = data.encode()
    nf = name + (b'\0' if nul else b'')
    if namesize is None:
        namesize = len(nf)
    if filesize is None:
        filesize = len(data)
    if ino is None:
        ino = _ino()
    if check is None:
        check = sum(data) & 0xFFFFFFFF if magic == b'070702' else 0
    if hdr is None:
        hdr = header(magic, lower, ino=ino, mode=mode, uid=uid, gid=gid, nlink=nlink,
                     mtime=mtime, filesize=filesize, devmajor=devmajor, devminor=devminor,
                     rdevmajor=rdevmajor, rdevminor=rdevminor, namesize=namesize,
                     check=check)
    nsz = namesize if isinstance(namesize, int) else len(nf)
    room = n_align(nsz)
    if len(nf) < room:
        nf += (namepad * room)[:room - len(nf)]
    out = hdr + nf
    out += data
    if pad_data:
        out += (datapad * 4)[:pad4(len(out))]
    return out


# conveniences: the usual entry kinds
def F(name, data=b'', mode=0o644, **kw):
    return entry(name, data, mode=S_IFREG | mode, **kw)


def D(name, mode=0o755, **kw):
    return entry(name, mode=S_IFDIR | mode, **kw)


def L(name, target, mode=0o777, gnu=False, **kw):
    """symlink; gen_init_cpio writes the target with its NUL, GNU cpio
    without"""
    if isinstance(target, str):
        target = target.encode()
    return entry(name, target if gnu else target + b'\0', mode=S_IFLNK | mode, **kw)


def N(name, kind, maj, mi, mode=0o600, **kw):
    t = {'c': S_IFCHR, 'b': S_IFBLK}[kind]
    return entry(name, mode=t | mode, rdevmajor=maj, rdevminor=mi, **kw)


def P(name, mode=0o644, **kw):
    return entry(name, mode=S_IFIFO | mode, **kw)


def S(name, mode=0o755, **kw):
    return entry(name, mode=S_IFSOCK | mode, **kw)


def T(magic=b'070701', **kw):
    """the trailer as gen_init_cpio writes it"""
    kw.setdefault('mtime', 0)
    kw.setdefault('devminor', 0)
    return entry('TRAILER!!!', magic=magic, mode=0, ino=0, **kw)


def pad512(b):
    return b + b'\0' * ((-len(b)) % 512)


def nulpad(b, mod=4, extra=0):
    """B followed by NULs: at least EXTRA, ending on a multiple of MOD"""
    b = b + b'\0' * extra
    return b + b'\0' * ((-len(b)) % mod)


COMPRESSORS = {
    'gzip': ['gzip', '-n', '-f', '-9', '-c'],
    'bzip2': ['bzip2', '-9', '-c'],
    'lzma': ['lzma', '-9', '-c'],
    'xz': ['xz', '--check=crc32', '--lzma2=dict=1MiB', '-c'],
    'lzo': ['lzop', '-9', '-c'],
    'lz4': ['lz4', '-l', '-9', '-c'],
    'zstd': ['zstd', '-q', '-19', '-c'],
}


def compress(codec, data, extra=()):
    cmd = COMPRESSORS[codec] + list(extra)
    out = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, check=True).stdout
    if codec == 'lzo':
        out = lzo_fix_time(out)
    return out


def lzo_fix_time(b, mtime=1262304000):
    """lzop stamps the current time on data from stdin: make it a fixed
    one and recompute the header's Adler-32 (the kernel skips both)"""
    import struct
    import zlib
    assert b[:9] == b'\x89LZO\x00\r\n\x1a\n'
    flags = struct.unpack('>I', b[17:21])[0]
    assert not flags & 0x1000, 'header CRC32 not handled'
    off = 9 + 2 + 2 + 2 + 1 + 1 + 4 + 4          # to mtime_low
    fnlen = b[off + 8]
    end = off + 8 + 1 + fnlen
    head = b[:off] + struct.pack('>II', mtime, 0) + b[off + 8:end]
    return head + struct.pack('>I', zlib.adler32(head[9:])) + b[end + 4:]


def gz(d):
    return compress('gzip', d)
