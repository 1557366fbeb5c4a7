# Small real projects built with the ecosystems' own tools, offline:
#  - npm: real packages copied out of the workspace's node_modules, lockfiles v1/v2/v3 written by npm
#  - Go: a module with a replaced dependency, built with `go build` (build info written by Go)
#  - Cargo: a workspace with path dependencies, Cargo.lock written by `cargo generate-lockfile`,
#    and a release binary carrying a cargo-auditable style `.dep-v0` section added with objcopy
#  - Composer: path repositories, composer.lock written by `composer update`
#  - Java: a WAR and an EAR zipped (Info-ZIP) around real Debian jars (needs the Debian fixture)
# Needs: npm, golang-go, cargo, binutils, composer, zip. $DEB_ROOT: unpacked Debian packages.
WS_NODE_MODULES=${WS_NODE_MODULES:?path to a node_modules to copy packages from}

# --- npm ---------------------------------------------------------------------------------
app="$OUT/npm/app"
mkdir -p "$app/node_modules/@types"
for p in ms debug semver undici-types picocolors; do cp -r "$WS_NODE_MODULES/$p" "$app/node_modules/"; done
cp -r "$WS_NODE_MODULES/@types/node" "$app/node_modules/@types/"
cat > "$app/package.json" <<'JSON'
{ "name": "lz-npm-fixture", "version": "1.0.0", "private": true,
  "dependencies": { "debug": "^4.3.0", "semver": "^7.0.0", "picocolors": "^1.0.0" },
  "devDependencies": { "@types/node": "^20.0.0" } }
JSON
for v in 1 2 3; do
  (cd "$app" && npm install --package-lock-only --offline --ignore-scripts --no-audit --no-fund --lockfile-version "$v" >/dev/null 2>&1)
  mkdir -p "$OUT/npm/lock-v$v" && mv "$app/package-lock.json" "$OUT/npm/lock-v$v/package-lock.json"
done
(cd "$app" && npm ls --all --json > "$OUT/npm/npm-ls.json")

# --- Go ----------------------------------------------------------------------------------
mkdir -p "$OUT/go/lib" "$OUT/go/app"
printf 'module example.com/lzlib\n\ngo 1.19\n' > "$OUT/go/lib/go.mod"
printf 'package lzlib\n\nfunc Greeting() string { return "hello" }\n' > "$OUT/go/lib/lib.go"
printf 'module example.com/lzapp\n\ngo 1.19\n\nrequire example.com/lzlib v1.2.3\n\nreplace example.com/lzlib v1.2.3 => ../lib\n' > "$OUT/go/app/go.mod"
printf 'package main\n\nimport (\n\t"fmt"\n\t"example.com/lzlib"\n)\n\nfunc main() { fmt.Println(lzlib.Greeting()) }\n' > "$OUT/go/app/main.go"
(cd "$OUT/go/app" && GOFLAGS=-mod=mod GOPROXY=off GOWORK=off GOCACHE="$OUT/go/cache" GOPATH="$OUT/go/path" go build -buildvcs=false -o "$OUT/go/lzapp" .)
rm -rf "$OUT/go/cache" "$OUT/go/path"

# --- Cargo -------------------------------------------------------------------------------
cw="$OUT/cargo/ws"
mkdir -p "$cw/app/src" "$cw/helper/src" "$cw/leaf/src"
printf '[workspace]\nmembers = ["app", "helper", "leaf"]\nresolver = "2"\n\n[profile.release]\nopt-level = 1\n' > "$cw/Cargo.toml"
printf '[package]\nname = "lz-app"\nversion = "0.3.1"\nedition = "2021"\n\n[dependencies]\nlz-helper = { path = "../helper" }\n' > "$cw/app/Cargo.toml"
printf 'fn main() { println!("{}", lz_helper::value()); }\n' > "$cw/app/src/main.rs"
printf '[package]\nname = "lz-helper"\nversion = "1.4.0"\nedition = "2021"\n\n[dependencies]\nlz-leaf = { path = "../leaf" }\n' > "$cw/helper/Cargo.toml"
printf 'pub fn value() -> u32 { lz_leaf::base() + 1 }\n' > "$cw/helper/src/lib.rs"
printf '[package]\nname = "lz-leaf"\nversion = "2.0.0-rc.1"\nedition = "2021"\n' > "$cw/leaf/Cargo.toml"
printf 'pub fn base() -> u32 { 41 }\n' > "$cw/leaf/src/lib.rs"
(cd "$cw" && CARGO_HOME="$OUT/cargo/home" cargo generate-lockfile --offline -q)
(cd "$cw" && CARGO_HOME="$OUT/cargo/home" cargo metadata --offline --format-version 1 > "$OUT/cargo/metadata.json")
(cd "$cw" && CARGO_HOME="$OUT/cargo/home" CARGO_TARGET_DIR="$OUT/cargo/target" cargo build --offline --release -q)
cp "$OUT/cargo/target/release/lz-app" "$OUT/cargo/lz-app.plain"
# cargo-auditable's format: zlib-compressed JSON {"packages":[{name,version,source,dependencies,root}]}.
python3 - "$OUT/cargo/metadata.json" "$OUT/cargo/dep-v0.json" <<'PY'
import json, sys
meta = json.load(open(sys.argv[1]))
pkgs = sorted(meta["packages"], key=lambda p: p["name"])
index = {p["id"]: i for i, p in enumerate(pkgs)}
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
out = []
for p in pkgs:
    deps = sorted(index[d] for d in nodes[p["id"]]["dependencies"])
    entry = {"name": p["name"], "version": p["version"], "source": "local" if p["source"] is None else "crates.io", "dependencies": deps}
    if p["name"] == "lz-app":
        entry["root"] = True
    out.append(entry)
json.dump({"packages": out}, open(sys.argv[2], "w"))
PY
python3 -c 'import sys, zlib; open(sys.argv[2], "wb").write(zlib.compress(open(sys.argv[1], "rb").read()))' "$OUT/cargo/dep-v0.json" "$OUT/cargo/dep-v0.zlib"
objcopy --add-section .dep-v0="$OUT/cargo/dep-v0.zlib" --set-section-flags .dep-v0=noload,readonly "$OUT/cargo/lz-app.plain" "$OUT/cargo/lz-app"
rm -rf "$OUT/cargo/target" "$OUT/cargo/home"

# --- Composer ----------------------------------------------------------------------------
cp="$OUT/composer"
mkdir -p "$cp/lib-a" "$cp/lib-b" "$cp/lib-dev" "$cp/app"
printf '{"name":"lazaret/lib-a","version":"1.2.0","license":"MIT","require":{"lazaret/lib-b":"^2.0"}}\n' > "$cp/lib-a/composer.json"
printf '{"name":"lazaret/lib-b","version":"2.1.0","license":["Apache-2.0","MIT"]}\n' > "$cp/lib-b/composer.json"
printf '{"name":"lazaret/lib-dev","version":"0.5.0","license":"BSD-3-Clause"}\n' > "$cp/lib-dev/composer.json"
cat > "$cp/app/composer.json" <<'JSON'
{ "name": "lazaret/app", "type": "project",
  "repositories": [ {"type": "path", "url": "../lib-a"}, {"type": "path", "url": "../lib-b"}, {"type": "path", "url": "../lib-dev"}, {"packagist.org": false} ],
  "require": { "lazaret/lib-a": "^1.2" }, "require-dev": { "lazaret/lib-dev": "^0.5" } }
JSON
(cd "$cp/app" && COMPOSER_HOME="$cp/home" COMPOSER_ALLOW_SUPERUSER=1 composer update --no-install --no-interaction --no-plugins --no-scripts -q)
(cd "$cp/app" && COMPOSER_HOME="$cp/home" COMPOSER_ALLOW_SUPERUSER=1 composer show --locked --format=json --no-interaction > "$cp/show-locked.json")
rm -rf "$cp/home"

# --- Java WAR and EAR around real Debian jars --------------------------------------------
if [ -n "${DEB_ROOT:-}" ]; then
  jw="$OUT/java/war"
  mkdir -p "$jw/WEB-INF/lib" "$OUT/java/ear"
  cp -L "$DEB_ROOT/usr/share/java/commons-lang3.jar" "$jw/WEB-INF/lib/commons-lang3-3.12.0.jar"
  cp -L "$DEB_ROOT/usr/share/java/slf4j-api.jar" "$jw/WEB-INF/lib/slf4j-api-1.7.32.jar"
  printf '<web-app/>\n' > "$jw/WEB-INF/web.xml"
  (cd "$jw" && zip -qr "$OUT/java/ear/shop.war" WEB-INF)
  cp -L "$DEB_ROOT/usr/share/java/commons-io.jar" "$OUT/java/ear/commons-io.jar"
  (cd "$OUT/java/ear" && zip -q0 "$OUT/java/shop.ear" shop.war commons-io.jar)
  cp "$OUT/java/ear/shop.war" "$OUT/java/shop.war"
fi
