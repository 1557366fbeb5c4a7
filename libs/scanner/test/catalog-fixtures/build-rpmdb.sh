# Builds three small rpms with rpmbuild and installs them (--justdb) into a fresh rpmdb with
# Debian's rpm 4.18, whose default backend is sqlite (`rpm -E %_db_backend`). Debian's rpm has
# no NDB or writable BerkeleyDB backend, so those formats are only unit-tested. Needs: rpm.
top="$OUT/rpmbuild"
mkdir -p "$top"/{SPECS,SOURCES,BUILD,RPMS,SRPMS}
spec() {
  local name=$1 version=$2 release=$3 epoch=$4 license=$5 arch=$6
  {
    echo "Name: $name"
    echo "Version: $version"
    echo "Release: $release"
    [ -n "$epoch" ] && echo "Epoch: $epoch"
    echo "Summary: lazaret fixture $name"
    echo "License: $license"
    echo "Vendor: Lazaret Fixtures"
    echo "BuildArch: $arch"
    echo "%description"
    echo "Fixture package."
    echo "%install"
    echo "mkdir -p %{buildroot}/usr/share/$name && echo $name > %{buildroot}/usr/share/$name/README"
    echo "%files"
    echo "/usr/share/$name/README"
  } > "$top/SPECS/$name.spec"
  rpmbuild --define "_topdir $top" --define '_build_id_links none' -bb "$top/SPECS/$name.spec" >/dev/null 2>&1
}
spec lz-hello 2.12.1 3.fc40 "" "GPL-3.0-or-later" x86_64
spec lz-epoch 1.0.2 1.el9 2 "ASL 2.0" x86_64
spec lz-noarch 0.9 7 "" "MIT and BSD" noarch
mkdir -p "$OUT/sqlite"
rpm --initdb --dbpath "$OUT/sqlite"
rpm -i --justdb --nodeps --noscripts --ignorearch --ignoreos --nosignature --dbpath "$OUT/sqlite" "$top"/RPMS/*/*.rpm 2>/dev/null
rm -rf "$top/BUILD" "$top/BUILDROOT"
