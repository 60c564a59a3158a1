#!/usr/bin/env bash
# The shell half of the dlq GitHub Action (action.yml at the repository root), kept out of the
# YAML so it can be run and tested without GitHub (scripts/test-action does).
#
#   run.sh resolve   which release and archive this runner needs -> GITHUB_OUTPUT
#   run.sh install   download that archive, check its SHA-256 against SHA256SUMS, unpack dlq
#   run.sh run       run `dlq COMMAND --yes --no-input`; exit-code, summary, report -> GITHUB_OUTPUT
#
# Inputs arrive as environment variables (action.yml maps them):
#   INPUT_COMMAND INPUT_TOKEN INPUT_VERSION INPUT_REPORT INPUT_BASE_URL INPUT_FAIL_ON_EXIT
# Overrides, for tests and forks:
#   DLQ_ACTION_BIN         run this dlq; nothing is downloaded
#   DLQ_RELEASE_BASE       where releases live (default https://github.com/OWNER/REPO/releases);
#                          archives are fetched from BASE/download/TAG/ and, for `latest`,
#                          BASE/latest/download/, as GitHub serves them
#   DLQ_ACTION_REPOSITORY  OWNER/REPO of those releases (default: the action's own, else
#                          dlq-dev/dlq)
#   DLQ_INSTALL_ROOT       where binaries are unpacked (default RUNNER_TOOL_CACHE or ~/.cache)
#
# Written for bash 3.2 (macOS) as well: no mapfile, no ${x,,}, no bare "${empty[@]}".
set -euo pipefail

die() {
  echo "::error::dlq action: $*" >&2
  exit 1
}

# Appends name=value to GITHUB_OUTPUT (or prints it when run by hand).
output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"
  else
    printf 'output %s=%s\n' "$1" "$2"
  fi
}

# The release target for this runner: static musl builds on Linux.
runner_target() {
  local os arch
  os=$(uname -s)
  arch=$(uname -m)
  case "$arch" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) die "no dlq release for the $arch architecture" ;;
  esac
  case "$os" in
    Linux) echo "$arch-unknown-linux-musl" ;;
    Darwin) echo "$arch-apple-darwin" ;;
    # Windows on Arm runs the x86_64 build under emulation.
    MINGW* | MSYS* | CYGWIN* | Windows_NT) echo "x86_64-pc-windows-msvc" ;;
    *) die "no dlq release for $os" ;;
  esac
}

release_base() {
  local repo=${DLQ_ACTION_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:-}}
  echo "${DLQ_RELEASE_BASE:-https://github.com/${repo:-dlq-dev/dlq}/releases}"
}

archive_name() { # VERSION TARGET
  case "$2" in
    *windows*) echo "dlq-$1-$2.zip" ;;
    *) echo "dlq-$1-$2.tar.gz" ;;
  esac
}

fetch() { # URL FILE
  # Redirects (GitHub sends assets through its CDN) only ever to https.
  curl --fail --silent --show-error --location --retry 3 --proto '=https,http' \
    --proto-redir '=https' --output "$2" "$1" || die "cannot download $1"
}

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# The checksum SHA256SUMS lists for FILE (`HASH  NAME` or `HASH *NAME`), or nothing.
listed_sum() { # SUMS FILE
  awk -v f="$2" '$2 == f || $2 == "*" f { print $1; exit }' "$1"
}

# resolve: the tag, version, target, archive and install directory, as step outputs. `latest`
# is read off the newest release's SHA256SUMS, which names the archives and so the version.
cmd_resolve() {
  local want=${INPUT_VERSION:-latest} target version tag base tmp line dir
  target=$(runner_target)
  base=$(release_base)
  if [ "$want" = latest ]; then
    tmp=$(mktemp)
    fetch "$base/latest/download/SHA256SUMS" "$tmp"
    line=$(grep -E " \*?dlq-[^ ]+-$target\.(tar\.gz|zip)\$" "$tmp" | head -n1 || true)
    rm -f "$tmp"
    [ -n "$line" ] || die "the latest release has no archive for $target"
    version=${line##* }
    version=${version#\*}
    version=${version#dlq-}
    version=${version%-"$target".*}
    tag="v$version"
    echo "latest release: $tag"
  else
    version=${want#v}
    tag="v$version"
  fi
  case "$version" in
    '' | *[!0-9A-Za-z.+-]*) die "not a release version: $want" ;;
  esac
  dir="${DLQ_INSTALL_ROOT:-${RUNNER_TOOL_CACHE:-$HOME/.cache}}/dlq/$tag/$target"
  # Windows: C:/hostedtoolcache/... reads the same to Git Bash, actions/cache and GITHUB_PATH.
  if command -v cygpath >/dev/null; then
    dir=$(cygpath -m "$dir")
  fi
  output tag "$tag"
  output version "$version"
  output target "$target"
  output archive "$(archive_name "$version" "$target")"
  output dir "$dir"
}

# install: needs DLQ_TAG, DLQ_TARGET and DLQ_DIR (resolve's outputs). Refuses an archive whose
# SHA-256 differs from the release's SHA256SUMS, or that SHA256SUMS does not list.
cmd_install() {
  local tag=${DLQ_TAG:?} target=${DLQ_TARGET:?} dir=${DLQ_DIR:?}
  local version=${tag#v} base archive work want got exe
  base="$(release_base)/download/$tag"
  archive=$(archive_name "$version" "$target")
  work=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "rm -rf '$work'" EXIT

  echo "downloading $base/$archive"
  fetch "$base/SHA256SUMS" "$work/SHA256SUMS"
  fetch "$base/$archive" "$work/$archive"
  want=$(listed_sum "$work/SHA256SUMS" "$archive")
  [ -n "$want" ] || die "SHA256SUMS of $tag does not list $archive; refusing it"
  got=$(sha256 "$work/$archive")
  if [ "$got" != "$want" ]; then
    die "checksum mismatch for $archive: SHA256SUMS says $want, the download is $got; refusing it"
  fi
  echo "checksum ok: $archive $got"

  mkdir "$work/x"
  case "$archive" in
    *.zip)
      if command -v unzip >/dev/null; then
        unzip -q "$work/$archive" -d "$work/x"
      else
        7z x -bd -y "-o$work/x" "$work/$archive" >/dev/null
      fi
      exe=dlq.exe
      ;;
    *)
      tar -xzf "$work/$archive" -C "$work/x"
      exe=dlq
      ;;
  esac
  [ -f "$work/x/dlq-$version-$target/$exe" ] || die "$archive holds no dlq-$version-$target/$exe"
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  mv "$work/x/dlq-$version-$target" "$dir"
  chmod +x "$dir/$exe"
  "$dir/$exe" --version
}

# run: dlq COMMAND --yes --no-input [--report PATH], its stderr shown live and kept for the
# summary. Fails with dlq's exit code unless fail-on-exit is false.
cmd_run() {
  local bin=${DLQ_ACTION_BIN:-dlq} fail=${INPUT_FAIL_ON_EXIT:-true}
  local args=() word words errlog code summary
  case "${INPUT_COMMAND:-}" in
    *[![:space:]]*) ;;
    *) die "the command input is empty (e.g. stats --fail-above 10)" ;;
  esac

  if [ -n "${INPUT_TOKEN:-}" ]; then
    # The runner hides a masked value in every later log line; this line itself is swallowed.
    echo "::add-mask::$INPUT_TOKEN"
    export QSTASH_TOKEN="$INPUT_TOKEN"
  fi
  unset INPUT_TOKEN
  if [ -n "${INPUT_BASE_URL:-}" ]; then
    # With the token from the same source (the environment), as dlq pairs them.
    export QSTASH_URL="$INPUT_BASE_URL"
  fi

  # Words as a shell would split them, quotes honoured, nothing expanded or run: xargs.
  words=$(mktemp)
  printf '%s\n' "$INPUT_COMMAND" | xargs printf '%s\0' > "$words" ||
    die "cannot split the command input (an unmatched quote?)"
  while IFS= read -r -d '' word; do
    args+=("$word")
  done < "$words"
  rm -f "$words"
  if [ "${args[0]}" = dlq ]; then
    args=("${args[@]:1}")
    [ "${#args[@]}" -gt 0 ] || die "the command input names no verb"
  fi
  args+=(--yes --no-input)
  if [ -n "${INPUT_REPORT:-}" ]; then
    args+=(--report "$INPUT_REPORT")
  fi

  errlog=$(mktemp)
  echo "dlq ${args[*]}"
  set +e
  # stdout goes to the log as is; stderr goes to the log too, and to errlog for the summary.
  { "$bin" "${args[@]}" 2>&1 1>&3 3>&- | tee "$errlog" >&2; code=${PIPESTATUS[0]}; } 3>&1
  set -e

  summary=$(summary_of "$errlog")
  rm -f "$errlog"
  output exit-code "$code"
  output summary "$summary"
  output report "${INPUT_REPORT:-}"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    printf '%sdlq %s%s exited %s: %s\n' '`' "${INPUT_COMMAND//$'\n'/ }" '`' "$code" "$summary" \
      >> "$GITHUB_STEP_SUMMARY"
  fi

  if [ "$code" -ne 0 ]; then
    if [ "$fail" = false ] || [ "$fail" = False ] || [ "$fail" = FALSE ]; then
      echo "::warning::dlq exited with $code (fail-on-exit is false): $summary"
      return 0
    fi
    echo "::error::dlq exited with $code: $summary"
    exit "$code"
  fi
}

# The summary: the last `error:` line if dlq reported one, else the last line that is not an
# indented continuation (a hint, a breakdown). Colour codes and carriage returns are dropped.
summary_of() {
  local clean line
  clean=$(sed -e $'s/\x1b\\[[0-9;]*[A-Za-z]//g' -e $'s/\r//g' "$1")
  line=$(printf '%s\n' "$clean" | grep -E '^error: ' | tail -n1 || true)
  if [ -z "$line" ]; then
    line=$(printf '%s\n' "$clean" | grep -E '^[^[:space:]]' | tail -n1 || true)
  fi
  printf '%s' "$line"
}

case "${1:-}" in
  resolve) cmd_resolve ;;
  install) cmd_install ;;
  run) cmd_run ;;
  target) runner_target ;;
  *)
    echo "usage: $0 resolve|install|run|target" >&2
    exit 2
    ;;
esac
