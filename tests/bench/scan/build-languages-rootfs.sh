#!/usr/bin/env bash
# A root filesystem with language packages, for the Trivy comparison and nothing else: it is
# assembled from libs/scanner's catalog fixtures (real files written by the ecosystems' tools):
#
#   /usr/lib/python3/dist-packages   PyYAML, packaging (.dist-info), six, certifi (.egg-info)   [Debian .debs]
#   /usr/share/java, maven-repo      commons-lang3, commons-io, slf4j-* jars (+ symlinks)       [Debian .debs]
#   /usr/share/rubygems-integration  rack, rack-test, mustermann gemspecs                        [Debian .debs]
#   /usr/bin/docker-registry         a Go binary (Debian's build)                                [Debian .debs]
#   /srv/app                         package.json + package-lock.json (v3) + node_modules        [npm]
#   /usr/local/bin/lzapp             a Go binary with a replaced module                          [go build]
#   /opt/shop/shop.war               a WAR with two jars in WEB-INF/lib                          [zip]
#
# There is no /var/lib/dpkg here on purpose: the Debian packages were unpacked with dpkg-deb -x,
# so neither tool can attribute the files to OS packages (both would otherwise skip or merge
# them in different ways), and the comparison is about the language catalogers alone.
#
# Env: OUT (output dir, must be empty), DEB_ROOT (catalog-debian/root), LANG_DIR
# (catalog-language-projects). Output: $OUT/rootfs.
set -euo pipefail
: "${OUT:?}" "${DEB_ROOT:?}" "${LANG_DIR:?}"
root="$OUT/rootfs"
mkdir -p "$root"
cp -a "$DEB_ROOT/." "$root/"
mkdir -p "$root/srv/app" "$root/usr/local/bin" "$root/opt/shop"
cp -a "$LANG_DIR/npm/app/package.json" "$LANG_DIR/npm/app/node_modules" "$root/srv/app/"
cp -a "$LANG_DIR/npm/lock-v3/package-lock.json" "$root/srv/app/package-lock.json"
cp -a "$LANG_DIR/go/lzapp" "$root/usr/local/bin/lzapp"
cp -a "$LANG_DIR/java/shop.war" "$root/opt/shop/shop.war"
# Deterministic content for both tools: no os-release (there is no OS database either).
rm -f "$root/etc/os-release" "$root/usr/lib/os-release"
