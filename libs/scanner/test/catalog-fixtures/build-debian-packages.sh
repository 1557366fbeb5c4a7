# Real package data from Debian bookworm: downloads .deb files with apt-get and unpacks them
# with dpkg-deb. Needs: apt (with lists updated), dpkg.
mkdir -p "$OUT/debs" "$OUT/root"
cd "$OUT/debs"
apt-get download -q \
  python3-yaml python3-packaging python3-six python3-certifi \
  libcommons-lang3-java libcommons-io-java libslf4j-java \
  ruby-rack ruby-rack-test ruby-mustermann \
  docker-registry >/dev/null
for deb in *.deb; do dpkg-deb -x "$deb" "$OUT/root"; done
# dpkg's own database of this machine, for the dpkg cataloger (dpkg-query is the ground truth).
mkdir -p "$OUT/dpkg"
cp /var/lib/dpkg/status "$OUT/dpkg/status"
cp /etc/os-release "$OUT/os-release"
# distroless-style /var/lib/dpkg/status.d/<package>: the control paragraph of each package.
mkdir -p "$OUT/status.d"
for deb in "$OUT"/debs/*.deb; do dpkg-deb -f "$deb" > "$OUT/status.d/$(dpkg-deb -f "$deb" Package)"; done
