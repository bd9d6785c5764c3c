#!/usr/bin/env bash
# Builds the NSO simulator images (test equipment standing in for Cisco's
# cisco-nso-prod / cisco-nso-build images, which cannot be had here):
#
#   1. nso-sim-base:<hash>   a Debian bookworm root file system made with
#                            debootstrap and imported into Docker (no registry
#                            is reachable, so nothing can be pulled);
#   2. nso-sim/cisco-nso-prod:6.4.1  from images/prod/Dockerfile;
#   3. nso-sim/cisco-nso-build:6.4.1 from images/build/Dockerfile.
#
# Every step is skipped when its result already exists for the same sources, so
# a second run takes seconds.
#
# Usage: bash images/build.sh [--force] [base|prod|build ...]
#   no target   build everything
#   --force     rebuild the requested images even when they are up to date
set -euo pipefail

NSO_VERSION=6.4.1
SUITE=bookworm
VARIANT=minbase
DEFAULT_MIRROR=http://deb.debian.org/debian

# What both images need. Beyond the contract's list:
#   python3          full standard library (json, ssl, socketserver, xml) for
#                    the simulated NSO tools and the ncsc stand-in; it pulls in
#                    python3-minimal
#   openssh-client   ssh-keygen, for the SSH host key the production image
#                    creates on first start
#   ca-certificates  wanted by the JDK's keystore set-up (ca-certificates-java)
#   netbase          /etc/services and /etc/protocols for Python's socket module
BASE_PACKAGES=(
  bash coreutils make python3-minimal python3 procps openssl
  default-jdk-headless ant gzip tar findutils sed grep gawk psmisc
  openssh-client ca-certificates netbase
)

IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(dirname "$IMAGES_DIR")"
CACHE_DIR="$REPO_ROOT/.cache"

PROD_TAG="nso-sim/cisco-nso-prod:$NSO_VERSION"
BUILD_TAG="nso-sim/cisco-nso-build:$NSO_VERSION"
HASH_LABEL=org.nso-workbench.sim.source-hash

say() { printf 'images: %s\n' "$*"; }
die() {
  printf 'images: error: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------- arguments
FORCE=0
TARGETS=()
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    base | prod | build) TARGETS+=("$arg") ;;
    -h | --help)
      sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument '$arg' (expected --force, base, prod or build)" ;;
  esac
done
if [ ${#TARGETS[@]} -eq 0 ]; then TARGETS=(base prod build); fi
wants() {
  local t
  for t in "${TARGETS[@]}"; do [ "$t" = "$1" ] && return 0; done
  return 1
}

# ---------------------------------------------------------------- checks
command -v docker >/dev/null 2>&1 || die "the docker client is not installed (apt-get install -y docker.io)"
if ! docker info >/dev/null 2>&1; then
  die "no Docker engine answering on ${DOCKER_HOST:-the default socket}: start dockerd (dockerd >/var/log/dockerd.log 2>&1 &)"
fi

sha() { sha256sum | cut -c1-16; }

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

image_label() {
  docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

# The Debian mirror apt already uses on this machine: deb822 sources first
# (URIs: of a stanza whose Suites: holds the release), then one-line sources.
find_mirror() {
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri="$(awk -v suite="$SUITE" '
      BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; ok = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); split($i, u, /[ \t]+/); uris = u[1] }
          if ($i ~ /^Suites:/) { n = split($i, s, /[ \t]+/); for (j = 2; j <= n; j++) if (s[j] == suite) ok = 1 }
        }
        if (ok && uris != "" && uris !~ /security/) { print uris; exit }
      }' "$f")"
    if [ -n "$uri" ]; then
      echo "$uri"
      return
    fi
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri="$(awk -v suite="$SUITE" '
      $1 == "deb" {
        i = 2
        if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ($(i + 1) == suite && $i !~ /security/) { print $i; exit }
      }' "$f")"
    if [ -n "$uri" ]; then
      echo "$uri"
      return
    fi
  done
  echo "$DEFAULT_MIRROR"
}

# Several test runs may call this script at once: one builds, the others
# wait and then find everything up to date.
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/images-build.lock"
if ! flock -n 9; then
  say "another images/build.sh is running: waiting for it"
  flock 9
fi

# ---------------------------------------------------------------- base image
BASE_HASH="$(printf '%s\n' "$SUITE" "$VARIANT" "${BASE_PACKAGES[@]}" | sort | sha)"
BASE_TAG="nso-sim-base:$BASE_HASH"

build_base() {
  # --force rebuilds the base only when it was asked for (explicitly or by
  # giving no target): `--force prod` should not cost a debootstrap.
  if image_exists "$BASE_TAG" && { [ "$FORCE" = 0 ] || ! wants base; }; then
    say "base image $BASE_TAG exists: skipped"
    return
  fi
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (apt-get install -y debootstrap)"
  [ "$(id -u)" = 0 ] || die "debootstrap needs root to build the base image"

  local mirror started rootfs include
  mirror="$(find_mirror)"
  started=$SECONDS
  mkdir -p "$CACHE_DIR"
  rootfs="$(mktemp -d "$CACHE_DIR/nso-sim-rootfs.XXXXXX")"
  # The root file system holds device nodes and mounts made by debootstrap:
  # unmount what may still be mounted before removing it.
  trap 'umount -R "$rootfs/proc" "$rootfs/sys" 2>/dev/null || true; rm -rf "$rootfs"' EXIT
  include="$(
    IFS=,
    echo "${BASE_PACKAGES[*]}"
  )"

  say "debootstrap $SUITE ($VARIANT) from $mirror into $rootfs"
  if ! debootstrap --variant="$VARIANT" --include="$include" "$SUITE" "$rootfs" "$mirror" \
    >"$CACHE_DIR/debootstrap.log" 2>&1; then
    tail -n 30 "$CACHE_DIR/debootstrap.log" >&2
    if [ -f "$rootfs/debootstrap/debootstrap.log" ]; then tail -n 30 "$rootfs/debootstrap/debootstrap.log" >&2; fi
    die "debootstrap failed (full log: $CACHE_DIR/debootstrap.log)"
  fi

  # Downloaded .deb files, apt indexes and documentation are not needed in a
  # container; copyright files stay.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/man "$rootfs"/usr/share/info "$rootfs"/var/log/*.log
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true

  say "importing $BASE_TAG"
  tar --numeric-owner -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'LABEL org.nso-workbench.simulator=true' \
    --change "LABEL org.nso-workbench.sim.base-packages=$include" \
    --change 'CMD ["/bin/bash"]' \
    - "$BASE_TAG" >/dev/null || die "docker import of $BASE_TAG failed"

  rm -rf "$rootfs"
  trap - EXIT
  say "base image $BASE_TAG built in $((SECONDS - started)) s"
}

# ---------------------------------------------------------------- derived images
# A hash of everything that goes into an image: its own folder, the shared
# images/common/ folder (file names, modes and contents) and the base image
# (its id, so that a rebuilt base with the same package list counts too).
source_hash() {
  local name="$1" base_id
  base_id="$(docker image inspect -f '{{.Id}}' "$BASE_TAG")"
  (
    cd "$IMAGES_DIR"
    find "$name" common -type f -not -path '*/__pycache__/*' -printf '%p %m\n' | LC_ALL=C sort
    find "$name" common -type f -not -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    echo "$BASE_TAG $base_id"
  ) | sha
}

build_image() {
  local name="$1" tag="$2" hash started log
  [ -f "$IMAGES_DIR/$name/Dockerfile" ] || die "$IMAGES_DIR/$name/Dockerfile is missing"
  image_exists "$BASE_TAG" || die "base image $BASE_TAG is missing: run 'bash images/build.sh base'"
  hash="$(source_hash "$name")"
  if [ "$FORCE" = 0 ] && [ "$(image_label "$tag" "$HASH_LABEL")" = "$hash" ]; then
    say "$tag is up to date (source hash $hash): skipped"
    return
  fi

  started=$SECONDS
  mkdir -p "$CACHE_DIR"
  log="$CACHE_DIR/docker-build-$name.log"
  say "building $tag from images/$name (log: $log)"
  # The images/ folder is the context so that both Dockerfiles can COPY common/.
  # Nothing in a build needs the network (everything comes from the base
  # image), so the RUN steps get none.
  if ! docker build --network none --build-arg "BASE=$BASE_TAG" --label "$HASH_LABEL=$hash" \
    -f "$IMAGES_DIR/$name/Dockerfile" -t "$tag" "$IMAGES_DIR" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "docker build of $tag failed (full log: $log)"
  fi
  say "$tag built in $((SECONDS - started)) s"
}

if wants base || wants prod || wants build; then build_base; fi
if wants prod; then build_image prod "$PROD_TAG"; fi
if wants build; then build_image build "$BUILD_TAG"; fi
say "done"
