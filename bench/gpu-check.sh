#!/usr/bin/env bash
# The real-GPU check: measures the engine on a machine with a real GPU, lent for a few minutes,
# with no network and no Node there. See bench/README.md, "Real-GPU check".
#
#   bench/gpu-check.sh prepare [--no-build] [--debs=DIR]
#       here: build, then assemble .gpucheck/ (ignored by git, under 64 MiB): compressed Node and
#       dawn.node, dist/, the check's scripts, the conformance cases, MNIST digits, Vulkan/EGL
#       loader .debs. Prints the carry list and the command for the device machine.
#   bash .gpucheck/gpu-check.sh run [--budget=S] [--force-software] [--loaders=MODE] [--sections=a,b] ...
#       there: unpack into $GPUCHECK_WORK (default /tmp/gpucheck-work), provide the loaders, probe the
#       adapters, run the sections within --budget seconds (default 360); results go to $OUT.
#       --loaders: auto (default: the system's libvulkan if present; else, as root on a machine with
#       /usr/local/nvidia, dpkg -x into / as seen working there; else private), system, private
#       (unpacked under the work folder, LD_LIBRARY_PATH), present (use what is installed).
#   bench/gpu-check.sh dry-run [--force-software] [...]
#       here: copy .gpucheck/ to a fresh folder outside the repository and run it there, with a
#       clean environment, private loaders and no network (unshare -n where allowed).
set -uo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

unxz_to() { # $1: .xz file, $2: destination
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  fi
}

unpack_deb() { # $1: .deb, $2: destination root
  if command -v dpkg >/dev/null; then dpkg -x "$1" "$2"
  else (cd "$2" && ar p "$1" "$(ar t "$1" | grep '^data\.tar')" | tar -x --xz 2>/dev/null || ar p "$1" "$(ar t "$1" | grep '^data\.tar')" | tar -x)
  fi
}

run_check() {
  local start dir="" loaders=auto budget=360 pass=()
  start=$(date +%s)
  export PATH="$PATH:/usr/sbin:/sbin" # ldconfig
  if [ -f "$here/MANIFEST.json" ]; then dir="$here"; else dir="$here/../.gpucheck"; fi
  for a in "$@"; do
    case "$a" in
      --dir=*) dir="${a#--dir=}" ;;
      --loaders=*) loaders="${a#--loaders=}" ;;
      --budget=*) budget="${a#--budget=}"; pass+=("$a") ;;
      *) pass+=("$a") ;;
    esac
  done
  : "${OUT:?gpu-check: set OUT to the folder for the results}"
  mkdir -p "$OUT"
  local log="$OUT/log.txt"
  say() { echo "$*" | tee -a "$log"; }
  fail() { # the check could not start: still leave a JSON that says why
    say "gpu-check: $*"
    printf '{"schema":1,"error":"%s","startedAt":"%s"}\n' "${*//\"/\'}" "$(date -u +%FT%TZ)" >"$OUT/gpu-check.json"
    printf 'gpu-check could not start: %s\n' "$*" >"$OUT/summary.txt"
    exit 1
  }
  [ -f "$dir/MANIFEST.json" ] || fail "no prepared folder at $dir (run bench/gpu-check.sh prepare)"
  local work="${GPUCHECK_WORK:-/tmp/gpucheck-work}"
  rm -rf "$work" && mkdir -p "$work/xdg" && chmod 700 "$work/xdg" || fail "cannot create $work"
  say "gpu-check: unpacking $dir into $work"
  cp -r "$dir/app" "$work/app" || fail "copying $dir/app failed"
  unxz_to "$dir/node.xz" "$work/node" && chmod +x "$work/node" || fail "unpacking node.xz failed"
  unxz_to "$dir/dawn.node.xz" "$work/app/node_modules/webgpu/dist/linux-x64/dawn.node" || fail "unpacking dawn.node.xz failed"

  if [ "$loaders" = auto ]; then
    if ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then loaders=present
    elif [ "$(id -u)" = 0 ] && [ -d /usr/local/nvidia ]; then loaders=system
    else loaders=private
    fi
  fi
  case "$loaders" in
    system) # the recipe seen working on the GPU machines: loaders unpacked into /, then ldconfig
      for f in "$dir"/debs/*.deb; do unpack_deb "$f" / || fail "dpkg -x $f / failed"; done
      ldconfig ;;
    private)
      mkdir -p "$work/root"
      for f in "$dir"/debs/*.deb; do unpack_deb "$f" "$work/root" || fail "unpacking $f failed"; done
      export LD_LIBRARY_PATH="$work/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ;;
    present) ;;
    *) fail "--loaders must be auto, system, private or present, not '$loaders'" ;;
  esac
  # The driver's own libraries (libGLX_nvidia.so.0, named by its ICD file) where ld.so may not look
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
    [ -d "$d" ] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$d"
  done
  say "gpu-check: loaders $loaders; LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}; unpacked in $(( $(date +%s) - start )) s"
  export XDG_RUNTIME_DIR="$work/xdg"
  "$work/node" -e 'process.exit(0)' || fail "the carried node does not run here"
  "$work/node" "$work/app/bench/gpu-check/main.mjs" --app="$work/app" --out="$OUT" \
    --deadline="$(( (start + budget) * 1000 ))" --loaders="$loaders" "${pass[@]}"
}

dry_run() {
  local repo; repo="$(cd "$here/.." && pwd)"
  [ -f "$repo/.gpucheck/MANIFEST.json" ] || { echo "gpu-check: run bench/gpu-check.sh prepare first" >&2; exit 1; }
  local tmp; tmp="$(mktemp -d /tmp/gpucheck-dry.XXXXXX)"
  cp -r "$repo/.gpucheck" "$tmp/prepared"
  mkdir -p "$tmp/out"
  local net=(); unshare -n true 2>/dev/null && net=(unshare -n)
  echo "gpu-check dry run in $tmp (network: ${net[*]:-not isolated})"
  (cd "$tmp" && env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$tmp" OUT="$tmp/out" GPUCHECK_WORK="$tmp/work" \
    "${net[@]}" bash prepared/gpu-check.sh run --loaders=private "$@")
  local rc=$?
  echo "--- exit $rc; \$OUT holds:"; ls -l "$tmp/out"
  return $rc
}

cmd="${1:-help}"; shift || true
case "$cmd" in
  prepare)
    cd "$here/.." || exit 1
    build=1; rest=()
    for a in "$@"; do if [ "$a" = --no-build ]; then build=0; else rest+=("$a"); fi; done
    if [ $build = 1 ]; then npm run build || exit 1; fi
    exec node bench/gpu-check/prepare.mjs "${rest[@]}" ;;
  run) run_check "$@" ;;
  dry-run) dry_run "$@" ;;
  *) usage; [ "$cmd" = help ] || [ "$cmd" = --help ] ;;
esac
