#!/usr/bin/env bash
# deploy/base-image.sh: makes the base image deploy/Dockerfile builds FROM, out of Debian packages only.
#
#   deploy/base-image.sh              make it unless an image of that name exists (then say so and stop)
#   deploy/base-image.sh --rebuild    make it again, replacing the tag
#   deploy/base-image.sh --check      only tell whether it exists (exit 0) or not (exit 1)
#
# What it makes (about 25-60 s, as root, with debootstrap and a Docker engine):
#   1. debootstrap --variant=minbase $SUITE with openjdk-21-jdk-headless: a throw-away build tree;
#   2. in a container of that tree (no network): jlink a Java 21 runtime of the modules the store needs
#      (no Java debug attributes, no man pages or headers, with a CDS archive), then copy out only the files of the Debian
#      packages that runtime, bash and coreutils need (found with ldd, mapped to packages with dpkg -S),
#      without their docs, man pages and locales, and without apt, dpkg or perl;
#   3. docker import that tree as $PYGMY_BASE_IMAGE and check it runs java.
# Nothing is fetched over HTTPS: debootstrap reads the Debian mirror over HTTP and checks its signatures.
#
# Environment: PYGMY_BASE_IMAGE (default pygmy/base:trixie-jre21, the name the Dockerfile's FROM uses),
# PYGMY_DEBIAN_SUITE (trixie), PYGMY_DEBIAN_MIRROR (http://deb.debian.org/debian), TMPDIR.
set -euo pipefail

IMAGE="${PYGMY_BASE_IMAGE:-pygmy/base:trixie-jre21}"
SUITE="${PYGMY_DEBIAN_SUITE:-trixie}"
MIRROR="${PYGMY_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
JDK_PACKAGE=openjdk-21-jdk-headless
# The modules of the runtime: java.se (what `jdeps --print-module-deps target/pygmy.jar` lists is a subset:
# java.desktop, java.naming, java.sql, ... reached by the shaded libraries), Unsafe for Netty and Caffeine,
# EC and PKCS#11-free TLS for the coming mutual TLS, DNS and zip file systems, jcmd for a live node.
MODULES="java.se,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.zipfs,jdk.naming.dns,jdk.net,jdk.charsets,jdk.jcmd,jdk.attach"
# Debian packages the image keeps besides what the runtime links to: a shell (healthcheck, entrypoint
# steps, `docker exec`), the basic tools, /etc/os-release and friends, /etc/services.
KEEP_PACKAGES="base-files bash coreutils grep netbase"

say() { echo "base-image: $*" >&2; }
die() { say "$*"; exit 1; }

rebuild=no
case "${1:-}" in
  "") ;;
  --rebuild) rebuild=yes ;;
  --check) docker image inspect "$IMAGE" >/dev/null 2>&1; exit $? ;;
  -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument '$1' (try --help)" ;;
esac

command -v docker >/dev/null 2>&1 || die "docker is not installed"
docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd)"

size_of() { docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.0f MB", $1 / 1000000}'; }

if [[ "$rebuild" == no ]] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE exists ($(docker image inspect -f '{{.Id}}' "$IMAGE" | cut -c8-19), $(size_of "$IMAGE"),"\
" made $(docker image inspect -f '{{.Created}}' "$IMAGE" | cut -c1-19)); nothing to do (--rebuild to make it again)"
  exit 0
fi

[[ "$(id -u)" -eq 0 ]] || die "debootstrap needs root: run it as root (or with sudo)"
command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install debootstrap)"

started=$(date +%s)
work="$(mktemp -d "${TMPDIR:-/var/tmp}/pygmy-base.XXXXXX")"
# PYGMY_BASE_BUILD_IMAGE: an existing build tree image to reuse (kept), for working on this script.
build_image="${PYGMY_BASE_BUILD_IMAGE:-pygmy/base-build:$$}"
cleanup() {
  [[ -n "${PYGMY_BASE_BUILD_IMAGE:-}" ]] || docker image rm -f "$build_image" >/dev/null 2>&1 || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

if [[ -n "${PYGMY_BASE_BUILD_IMAGE:-}" ]] && docker image inspect "$build_image" >/dev/null 2>&1; then
  say "1/3 reusing the build tree $build_image"
else
  say "1/3 debootstrap --variant=minbase $SUITE + $JDK_PACKAGE from $MIRROR"
  debootstrap --variant=minbase --include="$JDK_PACKAGE,${KEEP_PACKAGES// /,}" "$SUITE" "$work/build" "$MIRROR" \
    >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
  tar -C "$work/build" -c . | docker import - "$build_image" >/dev/null
  rm -rf --one-file-system "$work/build"
fi

# The assembly, run inside the build tree (a container with no network); writes the final tree to /out/rootfs.
read -r -d '' ASSEMBLE <<'SCRIPT' || true
  trap 'echo "  failed: line $LINENO: $BASH_COMMAND" >&2' ERR
  jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  root=/out/rootfs
  mkdir -p "$root/opt"
  "$jdk/bin/jlink" --add-modules "$MODULES" --output "$root/opt/java" \
    --strip-java-debug-attributes --no-man-pages --no-header-files --compress=zip-6 --generate-cds-archive
  # The CDS archive for uncompressed oops serves only heaps of 32 GB and more: not a node's.
  rm -f "$root/opt/java/lib/server/classes_nocoops.jsa"
  # Debian links the JDK trust store to /etc/ssl; the image carries it as a plain file.
  rm -f "$root/opt/java/lib/security/cacerts"
  cp -L "$jdk/lib/security/cacerts" "$root/opt/java/lib/security/cacerts"

  # Packages to keep: the named ones plus every package a kept ELF file links to, until nothing new.
  declare -A keep=()
  for p in $KEEP_PACKAGES; do keep[$p]=1; done
  # Files of kept packages left out: glibc's iconv modules (Java has its own charsets), debugger and
  # compiler helpers, and the utmp readers that alone would pull in libsystemd.
  skip() {
    case "$1" in
      /bin|/sbin|/lib|/lib64|/usr/share/doc/*|/usr/share/man/*|/usr/share/info/*|/usr/share/locale/*) return 0 ;;
      /usr/share/lintian/*|/usr/share/bash-completion/*|/usr/share/gdb/*|/usr/share/gcc/*) return 0 ;;
      /usr/lib/x86_64-linux-gnu/gconv/*|/usr/bin/pinky|/usr/bin/users|/usr/bin/who) return 0 ;;
    esac
    return 1
  }
  is_elf() { [[ "$(head -c4 "$1" 2>/dev/null | od -An -tx1 | tr -d " \n")" == 7f454c46 ]]; }
  elf_files() {
    { find "$root/opt/java" -type f; dpkg -L "${!keep[@]}"; } | sort -u | while read -r f; do
      if [[ -f "$f" && ! -L "$f" ]] && ! skip "$f" && is_elf "$f"; then echo "$f"; fi
    done
  }
  missing=""
  while :; do
    before=${#keep[@]}
    libs=$(elf_files | { xargs -r ldd 2>/dev/null || true; } | awk '/=>/ {print $1, $3}' | sort -u)
    while read -r name path; do
      [[ -n "$name" ]] || continue
      if [[ "$path" == "not" ]]; then
        # libjvm.so is loaded by the launcher before the libraries that name it without a path.
        if [[ "$name" != libjvm.so ]]; then missing="$missing $name"; fi
        continue
      fi
      p=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1) || true
      [[ -z "$p" ]] && p=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1) || true
      if [[ -n "$p" ]]; then keep[$p]=1; fi
    done <<<"$libs"
    if (( ${#keep[@]} == before )); then break; fi
  done
  echo "  Debian packages kept: $(printf "%s\n" "${!keep[@]}" | sort | tr "\n" " ")" >&2
  # Libraries only optional parts of java.desktop would load (sound, fonts, X11): not installed, not needed.
  if [[ -n "$missing" ]]; then
    echo "  not found (optional AWT/sound natives, unused headless): $(echo $missing | tr " " "\n" | sort -u | tr "\n" " ")" >&2
  fi

  # Merged /usr: the top-level links first, as in the build tree, so that files land through them.
  for l in bin sbin lib lib64; do
    if [[ -L "/$l" ]]; then ln -sfn "$(readlink "/$l")" "$root/$l"; fi
  done
  # Copy the kept packages, files and symlinks, without documentation, man pages, locales, lintian data.
  dpkg -L "${!keep[@]}" | sort -u | while read -r f; do
    if skip "$f"; then continue; fi
    if [[ -L "$f" || -f "$f" ]]; then echo "${f#/}"; fi
  done > /tmp/files
  tar -C / --no-recursion -cf - -T /tmp/files | tar -C "$root" -xf -
  # /bin/sh is bash (no dash: it would pull in dpkg).
  ln -sf bash "$root/usr/bin/sh"
  mkdir -p "$root/etc" "$root/tmp" "$root/root" "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/var/tmp"
  chmod 1777 "$root/tmp" "$root/var/tmp"
  cp /etc/nsswitch.conf /etc/host.conf "$root/etc/" 2>/dev/null || true
  grep -E "^(root|nobody):" /etc/passwd > "$root/etc/passwd"
  grep -E "^(root|nogroup):" /etc/group > "$root/etc/group"
  for b in java jcmd keytool; do
    if [[ -x "$root/opt/java/bin/$b" ]]; then ln -sf "/opt/java/bin/$b" "$root/usr/bin/$b"; fi
  done
  ldconfig -r "$root" 2>/dev/null || true
  rm -f "$root/var/cache/ldconfig/aux-cache"
  du -sh "$root" "$root/opt/java" | sed "s/^/  /" >&2
SCRIPT

say "2/3 jlink $MODULES; keeping only the packages it needs"
mkdir -p "$work/out"
docker run --rm --network none -v "$work/out:/out" -e MODULES="$MODULES" -e KEEP_PACKAGES="$KEEP_PACKAGES" \
  "$build_image" bash -euo pipefail -c "$ASSEMBLE"

say "3/3 docker import as $IMAGE"
tar -C "$work/out/rootfs" --numeric-owner -c . | docker import \
  -c 'ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
  -c 'CMD ["java", "-version"]' \
  -m "pygmy base: $SUITE packages + jlinked Java 21 ($MODULES)" - "$IMAGE" >/dev/null
version="$(docker run --rm --network none "$IMAGE" java -version 2>&1)" || die "the new image does not run java: $version"
version="${version%%$'\n'*}"
[[ "$version" == *'"21.'* ]] || die "the new image does not run java 21: $version"
say "made $IMAGE in $(( $(date +%s) - started )) s: $(size_of "$IMAGE"), $version"
