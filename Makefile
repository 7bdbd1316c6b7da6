# popinit: one static binary, built with musl.
#
#   make                 build/popinit (all seven codecs)
#   make CODECS="gzip xz zstd"   fewer codecs, smaller binary
#   make check           the test suite (ends with "N passed, N failed")
#   make size            the binary's size and the share of each part
#   make TOOLS=no        without the host tools (mkimage, sign): a firmware's init
#   make XZDEC=kernel    .xz through the kernel's own lib/xz where it can (or1k's default)
#   make boot            boot Debian's kernel in QEMU with popinit as /init
#                        (its timeline: build/demo/boot.svg)
#   make install         popinit, popinit-mkinitramfs, popinit-sign-image and
#                        the man pages into $(DESTDIR)$(PREFIX) (/usr/local);
#                        BINDIR, MANDIR; make uninstall removes them
#   make bench           the kernel against popinit in QEMU (1 and 2 vCPUs, memory
#                        floor), the codecs' options, OpenRISC, the host against
#                        the peers, memory, size (writes bench/results.md,
#                        bench/unpack.svg), then bench-modload
#   make bench-modload   module loading: popinit against kmod, in QEMU
#   make fuzz SECONDS=N  every libFuzzer target for N seconds (default 600),
#                        then popinit against the kernel's own code
#   make fuzz-campaign HOURS=N   each target until 10 M runs or N hours
#   make check-san       the host-side tests with a glibc ASan+UBSan popinit
#   make oracle          re-record the kernel's listings (boots QEMU)
#   make kernel ARCH=or1k   a small kernel whose built-in initramfs is popinit
#   make port            cross builds, qemu-user unit tests, built-in boots
#
# Third-party libraries are built from Debian source packages into
# build/deps by boot/deps.sh, once.
#
# Cross builds: musl (boot/musl.sh) and every library built for the target
# from the same Debian sources, all in build/ARCH:
#   make CROSS_COMPILE=aarch64-linux-gnu-   build/aarch64/popinit (or ARCH=aarch64)
#   make ARCH=or1k                          build/or1k/popinit (CROSS_COMPILE=or1k-elf-)

CC       = musl-gcc
HOST     = x86_64-linux-musl
CODECS   = gzip bzip2 lzma xz lzo lz4 zstd
B        = build
DEPS     = build/deps
OPT      = -Os
WARN     = -Wall -Wextra -Wshadow -Wvla -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wimplicit-fallthrough
# WERROR=1 (CI, .ci/run): every warning is an error, in every build
WERROR  ?=
WARN    += $(if $(filter 1,$(WERROR)),-Werror)
# -fno-reorder-functions: none of popinit's own functions (main, the cold
# ones) goes ahead of the libraries' .text.hot group (boot/deps.sh's hot):
# their changes do not move the decoders' loops across a guest page
ORDER    = -fno-reorder-functions
CFLAGS   = -std=c11 $(OPT) $(ORDER) $(WARN) -D_GNU_SOURCE -ffunction-sections -fdata-sections \
           -fno-asynchronous-unwind-tables -fno-unwind-tables -I$(DEPS)/include
# --sort-section=alignment: the sections of -ffunction-sections and
# -fdata-sections placed by their alignment, with less padding between them
# (376 bytes of the firmware build)
LDFLAGS  = -static -Wl,--gc-sections -s -Wl,-z,noseparate-code -Wl,--build-id=none -Wl,--sort-section=alignment
# the Debian sources, fetched once for every target (boot/srcpkg.sh)
DEPS_SRC = $(CURDIR)/build/deps/src
# SAN=1: the same program for the host, glibc, ASan and UBSan, in
# build-san/ (static musl cannot carry the sanitizers); its libraries are
# built from the same sources as build/deps, sanitized too (clang: gcc 12's
# UBSan writes its reports to stderr only, whatever log_path says)
ifeq ($(SAN),1)
CC       = clang-14 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST     = x86_64-linux-gnu
B        = build-san
DEPS     = build-san/deps
OPT      = -O1 -g
ORDER    =
LDFLAGS  = -Wl,--gc-sections
endif
# signed images: trusted keys, revoked key ids, version floors compiled in
#   make KEYS="a.pem b.crt" REVOKED="KEYID..." FLOORS="main:42 modules:3"
KEYS     =
REVOKED  =
# the host tools (mkimage, sign, timeline): TOOLS=no leaves them out of a firmware's
# init, which never builds or signs images
TOOLS    = yes
FLOORS   =

# the target: none (or x86_64) is the native build; the kernel's names
# arm64 and openrisc are accepted for aarch64 and or1k
ifneq ($(CROSS_COMPILE),)
ARCH    ?= $(firstword $(subst -, ,$(CROSS_COMPILE)))
endif
comma   := ,
arch_arm64    = aarch64
arch_openrisc = or1k
cross_aarch64 = aarch64-linux-gnu-
cross_or1k    = or1k-elf-
T       := $(or $(arch_$(ARCH)),$(ARCH))
AR       = $(CROSS_COMPILE)ar
MUSLCC   =
ifneq ($(filter-out x86_64,$(T)),)
CROSS_COMPILE ?= $(cross_$(T))
B        = build/$(T)
DEPS     = build/$(T)/deps
MUSLCC   = build/$(T)/musl/bin/$(T)-linux-musl-gcc
CC       = $(MUSLCC)
HOST     = $(T)-linux-musl
endif
# RELRO is a protection only a dynamic linker applies; a static musl
# binary never does, and its alignment pads the file: on aarch64 to the
# largest page, 64 KiB (34 KB of padding), on x86_64 the data's start to
# where RELRO ends on a page (2.6 KB of the firmware build); without it
# the data follows the code in the file (or1k-elf's ld has no RELRO)
LDFLAGS += $(if $(filter or1k,$(T)),,$(if $(filter 1,$(SAN)),,-Wl$(comma)-z$(comma)norelro$(comma)-z$(comma)common-page-size=16))

# the native build (x86_64) is a static ET_EXEC at a fixed address: code
# built as PIE (gcc's default here) only adds a GOT
ifeq ($(MUSLCC)$(SAN),)
CFLAGS  += -fno-pie
endif

# the xz decoder: liblzma, or with XZDEC=kernel the kernel's own lib/xz
# (boot/deps.sh, libkxz.a) for the streams it takes (checks none and
# CRC32), liblzma for the rest (CRC64, SHA-256); kernel by default on or1k,
# where lib/xz decodes in x0.7 of liblzma's time (bench/results.md)
xzdec_or1k = kernel
XZDEC   ?= $(or $(xzdec_$(T)),liblzma)

# codec -> library and source
lib_gzip  = z
lib_bzip2 = bz2
lib_lzma  = lzma
lib_xz    = lzma $(if $(filter kernel,$(XZDEC)),kxz)
lib_lzo   = minilzo
lib_lz4   = lz4
lib_zstd  = zstd
dep_gzip  = zlib
dep_bzip2 = bzip2
dep_lzma  = xz
dep_xz    = xz $(if $(filter kernel,$(XZDEC)),kxz)
dep_lzo   = lzo
dep_lz4   = lz4
dep_zstd  = zstd
src_gzip  = codec/decomp_gzip.c
src_bzip2 = codec/decomp_bzip2.c
src_lzma  = codec/decomp_xz.c
src_xz    = codec/decomp_xz.c
src_lzo   = codec/decomp_lzo.c
src_lz4   = codec/decomp_lz4.c
src_zstd  = codec/decomp_zstd.c

CODEC_DEFS = $(foreach c,$(CODECS),-DHAVE_$(shell echo $(c) | tr a-z A-Z)) \
             $(if $(filter kernel,$(XZDEC)),-DXZ_KERNEL)
CODEC_LIBS = $(sort $(foreach c,$(CODECS),$(foreach l,$(lib_$(c)),$(DEPS)/lib/lib$(l).a)))
DEP_NAMES  = $(sort $(foreach c,$(CODECS),$(dep_$(c))) bearssl)
DEP_STAMPS = $(DEP_NAMES:%=$(DEPS)/.stamp-%)

# the folders, lowest first: a folder includes only from those before it
# (cli -> init -> unpack, modload, blkdev, boot -> verify -> codec -> lib)
LIB_SRCS     = $(wildcard lib/*.c)
CODEC_SRCS   = codec/decomp.c $(sort $(foreach c,$(CODECS),$(src_$(c))))
VERIFY_SRCS  = verify/sig.c verify/sigkey.c verify/sigimage.c verify/sha256.c
UNPACK_SRCS  = unpack/cpio.c unpack/links.c unpack/image.c unpack/pipe.c unpack/sink_fs.c unpack/timing.c \
               unpack/sink_list.c unpack/unpack.c
MODLOAD_SRCS = modload/moddb.c modload/modconf.c modload/plan.c modload/modfile.c modload/scan.c \
               modload/modload.c modload/coldplug.c
BLKDEV_SRCS  = blkdev/probe.c blkdev/blockdev.c blkdev/gpt.c blkdev/verity.c blkdev/dm.c blkdev/loop.c
INIT_SRCS    = init/main.c init/cmdline.c init/mounts.c init/images.c init/root.c init/rootdev.c \
               init/timings.c init/switchroot.c init/die.c init/run.c init/modules.c init/trust.c init/slots.c
CLI_SRCS     = cli/popinit.c cli/cmd_opts.c cli/cmd_unpack.c cli/cmd_list.c cli/cmd_verify.c \
               cli/cmd_modprobe.c cli/cmd_probe.c cli/cmd_run.c cli/cmd_switch_root.c cli/cmd_slot.c \
               cli/cmd_bless.c
# the host tools: their library in boot/, their commands in cli/
TOOL_SRCS    = $(if $(filter yes,$(TOOLS)),boot/mkimage.c boot/sign.c boot/timeline.c cli/cmd_mkimage.c \
               cli/cmd_sign.c cli/cmd_timeline.c)
TOOL_DEFS    = $(if $(filter yes,$(TOOLS)),-DHAVE_TOOLS)
SRCS         = $(LIB_SRCS) $(CODEC_SRCS) $(VERIFY_SRCS) $(UNPACK_SRCS) $(MODLOAD_SRCS) \
               $(BLKDEV_SRCS) $(TOOL_SRCS) $(INIT_SRCS) $(CLI_SRCS)
OBJS        = $(SRCS:%.c=$(B)/obj/%.o) $(B)/obj/trust-data.o

all: $(B)/popinit

# a changed recipe rebuilds the libraries; the stamps and a cross build's
# compiler wrapper are kept (make would delete them as intermediate files,
# and rebuild every time)
.PRECIOUS: $(DEPS)/.stamp-% $(MUSLCC)
$(DEPS)/.stamp-%: boot/deps.sh $(MUSLCC)
	@rm -f $@
	AR=$(AR) DEPS_SRC=$(DEPS_SRC) sh boot/deps.sh $(DEPS) "$(CC)" $(HOST) $*
$(DEPS)/.stamp-xz: boot/lzma_crc32.c lib/crc32.c lib/crc32.h
$(DEPS)/.stamp-kxz: boot/xz_config.h lib/crc32.h

# a cross build's C library and compiler wrapper
build/%/musl/bin/$(T)-linux-musl-gcc: boot/musl.sh
	@rm -f build/$*/musl/.stamp
	DEPS_SRC=$(DEPS_SRC) sh boot/musl.sh build/$*/musl $(T) $(CROSS_COMPILE)

# what runs once a boot or a command (the commands, the boot plan, the
# probes, the host tools, the signature checks around BearSSL's, the
# module loader but for its database's parser): -Oz, the smallest code
# (GCC 12); the data paths (unpack, codec, the hash, lib, modload/moddb.c)
# keep $(OPT)
ifeq ($(OPT),-Os)
$(foreach d,cli init blkdev boot,$(B)/obj/$(d)/%.o): OPT = -Oz
$(foreach f,verify/sig verify/sigkey verify/sigimage $(addprefix modload/,modconf plan coldplug modload modfile scan),\
	$(B)/obj/$(f).o): OPT = -Oz
endif

$(B)/obj/%.o: %.c $(DEP_STAMPS) $(B)/codecs
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CODEC_DEFS) $(TOOL_DEFS) -MMD -MP -c $< -o $@

# rebuild when the codec set changes
$(B)/codecs: FORCE
	@mkdir -p $(B)
	@echo "$(CODECS) $(TOOLS) $(XZDEC)" | cmp -s - $@ || echo "$(CODECS) $(TOOLS) $(XZDEC)" > $@

# the compiled-in trust, rebuilt when the values or the key files change
$(B)/trust-args: FORCE
	@mkdir -p $(B)
	@echo "$(KEYS)|$(REVOKED)|$(FLOORS)" | cmp -s - $@ || echo "$(KEYS)|$(REVOKED)|$(FLOORS)" > $@

$(B)/trust-data.c: boot/trust.sh $(B)/trust-args $(KEYS)
	sh boot/trust.sh "$(KEYS)" "$(REVOKED)" "$(FLOORS)" > $@.tmp && mv $@.tmp $@

$(B)/obj/trust-data.o: $(B)/trust-data.c init/trust.h verify/sig.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -I. -c $< -o $@

# linked twice but for SAN=1: the first link's map lays out the libraries'
# .text.hot group (boot/layout.sh: each loop boot/hot.list names in one
# page), the second links by that script
POPINIT_LIBS = $(CODEC_LIBS) $(DEPS)/lib/libbearssl.a
$(B)/popinit: $(OBJS) boot/layout.sh boot/hot.list
ifeq ($(SAN),1)
	$(CC) $(LDFLAGS) -Wl,-Map,$(B)/popinit.map -o $@ $(OBJS) $(POPINIT_LIBS) -lpthread
else
	$(CC) $(LDFLAGS) -Wl,-Map,$(B)/popinit.map1 -o $@.1 $(OBJS) $(POPINIT_LIBS) -lpthread
	rm -f $@.1
	$(CC) $(LDFLAGS) -Wl,--verbose 2>/dev/null | sed -n '/^=====/,/^=====/p' | sed '1d;$$d' > $(B)/default.ld
	sh boot/layout.sh $(B)/popinit.map1 boot/hot.list $(or $(ARCH),x86_64) $(B)/default.ld $(CROSS_COMPILE)objdump $(POPINIT_LIBS) $(B)/obj/lib/crc32.o > $(B)/popinit.ld
	$(CC) $(LDFLAGS) -T $(B)/popinit.ld -Wl,-Map,$(B)/popinit.map -o $@ $(OBJS) $(POPINIT_LIBS) -lpthread
endif

# the budget is the firmware's init (no host tools) on x86_64; the full
# binary, and other architectures, are shown
size: $(B)/popinit
	@sh tests/size.sh $(B)/popinit $(B)/popinit.map 1000000 $(DEPS) $(if $(MUSLCC),build/$(T)/musl/.stamp)
	@$(MAKE) -s B=$(B)/fw TOOLS=no CODECS="$(CODECS)" $(B)/fw/popinit
	@echo "firmware build (TOOLS=no):"
	@sh tests/size.sh $(B)/fw/popinit $(B)/fw/popinit.map $(if $(MUSLCC),1000000)

check: all $(B)/test/treelist
	@sh tests/run.sh

# the host-side tests again with build-san/popinit (see tests/san.sh)
check-san: all $(B)/test/treelist
	@$(MAKE) -s SAN=1 build-san/popinit
	@sh tests/san.sh

boot: all
	@sh boot/demo.sh

# installing: the binary, the host scripts a user runs, the man pages
PREFIX   = /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
DESTDIR  =
MAN7     = doc/popinit.7
MAN8     = doc/popinit.8 doc/popinit-mkinitramfs.8 doc/popinit-sign-image.8
INSTALLED = $(BINDIR)/popinit $(BINDIR)/popinit-mkinitramfs $(BINDIR)/popinit-sign-image \
            $(MAN7:doc/%=$(MANDIR)/man7/%) $(MAN8:doc/%=$(MANDIR)/man8/%)
install: $(B)/popinit
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(B)/popinit $(DESTDIR)$(BINDIR)/popinit
	install -m 0755 boot/mkinitramfs $(DESTDIR)$(BINDIR)/popinit-mkinitramfs
	install -m 0755 boot/sign-image $(DESTDIR)$(BINDIR)/popinit-sign-image
	install -m 0644 $(MAN7) $(DESTDIR)$(MANDIR)/man7/
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/

uninstall:
	rm -f $(INSTALLED:%=$(DESTDIR)%)

# a small kernel for ARCH whose built-in initramfs is LIST (default: only
# this build's popinit as /init); its objects are cached outside the tree
LIST     =
kernel: $(B)/popinit
	@printf 'dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\nfile /init %s 0755 0 0\n' \
		"$(CURDIR)/$(B)/popinit" > $(B)/builtin.list
	sh boot/mkkernel.sh $(or $(T),x86_64) $(or $(LIST),$(B)/builtin.list) $(B)/kernel

# aarch64 and or1k: cross builds, qemu-user tests, built-in initramfs boots
port: all
	@sh tests/port.sh

# benchmarks print figures; they are not tests.  bench: the kernel's
# unpack against popinit's in QEMU at 1 and 2 vCPUs and the memory floor
# (vm.sh), the codecs' build options (options.sh), OpenRISC's seed
# scenario by phase (or1k.sh), then the host against the peers, memory,
# size, all written to bench/results.md and bench/unpack.svg (unpack.sh);
# then module loading (bench-modload)
bench: all $(B)/bench/decode
	@sh tests/bench/vm.sh
	@sh tests/bench/options.sh > build/bench/options.md.tmp && mv build/bench/options.md.tmp build/bench/options.md
	@sh tests/bench/or1k.sh
	@sh tests/bench/unpack.sh
	@sh tests/bench/modload.sh

bench-unpack: all $(B)/bench/decode
	@sh tests/bench/unpack.sh

bench-modload: all
	@sh tests/bench/modload.sh

# the decompress-only bound: popinit's decoders and libraries, no cpio, no files
DECODE_OBJS = $(CODEC_SRCS:%.c=$(B)/obj/%.o)
$(B)/bench/decode: tests/bench/decode.c $(DECODE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CODEC_DEFS) $(LDFLAGS) -o $@ $< $(DECODE_OBJS) $(CODEC_LIBS)

# every tests/fuzz/fuzz_NAME.c target for SECONDS each (tests/fuzz/run.sh),
# then popinit against the kernel's own initramfs.c and decoders built
# from linux-source for userspace
SECONDS = 600
fuzz: all
	@sh tests/fuzz/run.sh $(SECONDS)
	@sh tests/fuzz/kernel/run.sh $(SECONDS)
	@KXZ=1 sh tests/fuzz/kernel/run.sh $(SECONDS)

# a long campaign (tests/fuzz/campaign.sh): each target until 10 M runs or
# HOURS hours, at nice 19, its corpus merged in build/fuzz (out of git);
# the figures in build/fuzz/campaign.md
HOURS = 1
fuzz-campaign: all
	@sh tests/fuzz/campaign.sh $(HOURS)

# the libFuzzer targets: clang, glibc, ASan + UBSan; the decoders from
# Debian's -dev packages (minilzo and BearSSL from build/deps)
FZ          = build/fuzz
FUZZ_CC     = clang-14
# (a target with a script of its own, tests/fuzz/NAME.sh, builds itself)
FUZZ_TARGETS = $(filter-out $(patsubst tests/fuzz/%.sh,$(FZ)/fuzz_%,$(wildcard tests/fuzz/*.sh)), \
               $(patsubst tests/fuzz/fuzz_%.c,$(FZ)/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_CFLAGS = -std=c11 -g -O1 -D_GNU_SOURCE -Wall -Wextra -Wno-missing-prototypes \
              -DHAVE_GZIP -DHAVE_BZIP2 -DHAVE_LZMA -DHAVE_XZ -DHAVE_LZO -DHAVE_LZ4 -DHAVE_ZSTD \
              $(if $(filter 1,$(WERROR)),-Werror) -idirafter $(DEPS)/include -fsanitize=address,undefined -fno-sanitize-recover=all
# every library folder (a new parser is in the library the targets link
# without a line here), init/ but its main()
FUZZ_SRCS   = $(LIB_SRCS) $(wildcard codec/*.c verify/*.c unpack/*.c modload/*.c blkdev/*.c) \
              $(filter-out init/main.c,$(wildcard init/*.c)) boot/timeline.c \
              tests/unit/harness.c tests/unit/sink_mem.c tests/unit/mkcpio.c
FUZZ_OBJS   = $(FUZZ_SRCS:%.c=$(FZ)/obj/%.o)
FUZZ_LIBS   = $(FZ)/libpopinit.a $(FZ)/obj/minilzo.o -lz -llzma -lzstd -llz4 -lbz2 \
              $(DEPS)/lib/libbearssl.a -lpthread

fuzz-targets: $(FUZZ_TARGETS)

$(FZ)/obj/%.o: %.c $(DEP_STAMPS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

# the CRC's loops branch on lengths only: coverage of them tells libFuzzer
# nothing, and their comparison hooks took 83 % of fuzz_gpt's time (perf);
# built without it, ASan and UBSan kept
$(FZ)/obj/lib/crc32.o: lib/crc32.c $(DEP_STAMPS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

# minilzo loads and stores 4 bytes at unaligned addresses by design (x86)
$(FZ)/obj/minilzo.o: $(DEP_STAMPS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -O1 -g -fsanitize=fuzzer-no-link,address -idirafter $(DEPS)/include \
		-c $(wildcard $(DEPS)/src/lzo2-*/minilzo/minilzo.c) -o $@

$(FZ)/libpopinit.a: $(FUZZ_OBJS)
	@rm -f $@
	ar rcs $@ $(FUZZ_OBJS)

# tests/fuzz/alloc.c: large blocks kept between runs (ASan's checks kept)
$(FZ)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FZ)/libpopinit.a $(FZ)/obj/minilzo.o $(FZ)/obj/tests/fuzz/alloc.o
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FZ)/obj/tests/fuzz/alloc.o $(FUZZ_LIBS)

oracle: all $(B)/test/treelist
	@sh tests/oracle/record.sh

clean:
	rm -rf $(B)/obj $(B)/popinit $(B)/popinit.map $(B)/codecs $(B)/test $(B)/trust-args $(B)/trust-data.c

distclean:
	rm -rf $(B) build-san

FORCE:
-include $(FUZZ_OBJS:.o=.d)
.PHONY: all size check boot install uninstall kernel port bench bench-unpack bench-modload fuzz fuzz-targets fuzz-campaign check-san oracle \
	clean distclean FORCE
-include $(OBJS:.o=.d)

# test tools (host side)
$(B)/test/treelist: tests/oracle/treelist.c
	@mkdir -p $(dir $@)
	$(CC) -static -Os -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -o $@ $<
