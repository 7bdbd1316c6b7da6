# common.sh: shared by record.sh and compare.sh (sourced).
top=$(cd "$(dirname "$0")/../.." && pwd)
popinit=${POPINIT:-$top/build/popinit}
corpus=$top/tests/corpus
work=${TESTDIR:-$top/build/test}/oracle
# BUILTIN_MTIME: another kernel's (record.sh --builtin-mtime)
builtin_mtime=${BUILTIN_MTIME:-$(sed -n 's/^# mtime: //p' "$top/tests/oracle/builtin.list")}
mkdir -p "$work"

# prefix IMAGE FILE: the oracle's own archive, FILE as /.popinit-oracle
prefix() {
	printf 'file /.popinit-oracle %s 0755 0 0\n' "$2" > "$work/prefix.list"
	"$popinit" mkimage -t 1000 -o "$1" "$work/prefix.list"
}
