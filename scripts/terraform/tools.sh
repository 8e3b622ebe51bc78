#!/usr/bin/env bash
# scripts/terraform/tools.sh — offline Terraform toolchain for Tandem.
#
# Makes sure these exist in the cache dir (${TANDEM_CACHE_DIR:-$HOME/.cache/tandem}),
# building what is missing. Nothing is ever written inside the repository.
#
#   * a Terraform CLI >= 1.11: `terraform` from PATH if new enough, else OpenTofu
#     (>= 1.11) built from its Go module (see build_opentofu). 1.11 because of write-only
#     arguments in the stacks (see MIN_TERRAFORM).
#       -> $CACHE/bin/terraform-path (absolute path of the binary, one line)
#       -> $CACHE/bin/terraform      (symlink to it)
#   * the providers the npm bindings were generated from, at EXACTLY the versions in
#     node_modules/@cdktf/provider-*/package.json (field cdktf.provider), built from
#     source and laid out as an unpacked filesystem mirror:
#       $CACHE/terraform-mirror/registry.terraform.io/<ns>/<type>/<version>/linux_amd64/
#             terraform-provider-<type>_v<version>
#     (plus a hard link under registry.opentofu.org/..., so OpenTofu resolves the same
#     short source addresses such as "google" from the same mirror)
#   * $CACHE/terraformrc: CLI config that takes exactly those providers from the mirror
#     and everything else from the registry ("direct"). Point TF_CLI_CONFIG_FILE at it.
#     The mirror is the offline path only; nothing about it is in the synthesized stacks.
#   * checkov (pinned) in a virtualenv: $CACHE/checkov-venv/bin/checkov
#
# A warm run (everything present at the right versions) builds nothing and takes
# about a second. One status line per tool goes to stderr.
#
# Usage:
#   scripts/terraform/tools.sh               # ensure everything
#   scripts/terraform/tools.sh --print-env   # ensure, then print `export ...` lines on stdout
#                                            #   eval "$(scripts/terraform/tools.sh --print-env)"
#   scripts/terraform/tools.sh --only=google,checkov   # only these (terraform, checkov, <type>)
# Environment knobs:
#   TANDEM_CACHE_DIR        cache root (default $HOME/.cache/tandem)
#   TANDEM_TERRAFORM        use this Terraform/OpenTofu binary (must be >= 1.11)
#   TANDEM_FORCE_OPENTOFU=1 ignore terraform on PATH and use/build OpenTofu
#   TANDEM_BUILD_JOBS       go build -p (default: nproc)
#   TANDEM_GIT_MIRRORS      colon-separated dirs holding git clones of the provider repos,
#                           used when the Go module proxy cannot serve the tagged commit
#                           (default: none; only clones you made yourself). Layouts recognised:
#                           <dir>/<owner>+<repo>/repo, <dir>/<owner>+<repo>.git,
#                           <dir>/<owner>/<repo>.git, <dir>/<owner>/<repo>
#   TANDEM_PYTHON           python used to create the checkov venv (default python3)
#
# cdktf honours TERRAFORM_BINARY_NAME (binary to spawn); the Terraform CLI honours
# TF_CLI_CONFIG_FILE. --print-env prints both (plus CHECKOV).
#
# How the providers are sourced (and why it is not just `go install`):
#   The provider repos carry v6.x / v2.x / v3.x tags, but their go.mod has no /vN major
#   suffix, so `go get MODULE@v6.50.0` is refused by Go (the tag is not a valid version of
#   that module path, and it is not "+incompatible" either because go.mod exists).
#   We therefore pin the commit each release tag points at (TAG_COMMIT below) and
#   1. ask the Go module proxy for MODULE@<pinned pseudo-version>, then MODULE@<commit>
#      (`go mod download -json`; the public proxy maps a commit to its pseudo-version,
#      e.g. v1.20.1-0.20250919180509-956f510990a7), and check the answer is that commit;
#   2. if the proxy cannot serve it (offline/partial proxies; or kreuzwerker/docker,
#      whose go.mod at v3.6.2 still declares module github.com/terraform-providers/
#      terraform-provider-docker, so no proxy can serve it under either path), export the
#      tag from a git clone (TANDEM_GIT_MIRRORS, else a shallow clone of the tag from
#      github.com), after checking that tag v<version> resolves to the pinned commit.
#      Blobs missing from partial mirrors are tolerated only for docs/testdata paths. Then build it as the main module with its own go.mod/go.sum; all
#      dependencies come from the Go module proxy and are verified against go.sum.
set -Eeuo pipefail

# ---------------------------------------------------------------------------- config
CHECKOV_VERSION="3.3.30"      # PyPI, pinned exactly
OPENTOFU_VERSION="1.12.6"     # fallback CLI when no new-enough terraform is on PATH
# mock_provider in `terraform test` needs Terraform >= 1.7 / OpenTofu >= 1.8, but the stacks use
# write-only arguments (google_sql_user.password_wo, google_secret_manager_secret_version.
# secret_data_wo), which `terraform validate` rejects before Terraform 1.11 / OpenTofu 1.11.
MIN_TERRAFORM="1.11.0"
MIN_OPENTOFU="1.11.0"

# Provider build recipes, keyed by "<namespace>/<type>".
declare -A GO_MODULE=(
  [hashicorp/google]=github.com/hashicorp/terraform-provider-google
  [hashicorp/kubernetes]=github.com/hashicorp/terraform-provider-kubernetes
  [kreuzwerker/docker]=github.com/kreuzwerker/terraform-provider-docker
)
declare -A GIT_REPO=(
  [hashicorp/google]=hashicorp/terraform-provider-google
  [hashicorp/kubernetes]=hashicorp/terraform-provider-kubernetes
  [kreuzwerker/docker]=kreuzwerker/terraform-provider-docker
)
# -X flags as the upstream release builds set them (.goreleaser.yml); {V} = version
# without "v", {C} = commit. kubernetes: main.Version is a const, so there is no
# version ldflag (its release build does not set one either).
declare -A VERSION_LDFLAGS=(
  [hashicorp/google]='-X github.com/hashicorp/terraform-provider-google/version.ProviderVersion={V}'
  [hashicorp/kubernetes]=''
  [kreuzwerker/docker]='-X main.version={V} -X main.commit={C}'
)
# Commit that release tag v<version> points at (peeled), verified against git tags.
declare -A TAG_COMMIT=(
  [hashicorp/google@6.50.0]=956f510990a78614a06730c34e93779171c5e8f7
  [hashicorp/kubernetes@2.38.0]=be88f44271050f69d52f410bca388834afedfe71
  [kreuzwerker/docker@3.6.2]=2f20f8c3ce8290fcd03d96e69c7bc6338897a479
)
# The canonical Go pseudo-version of that commit (base = highest v0/v1 tag that is an ancestor,
# time = committer time UTC), so that caching proxies that cannot resolve a bare commit hash can
# still serve it. None for docker: its go.mod path does not match the repository (see above).
declare -A TAG_PSEUDO=(
  [hashicorp/google@6.50.0]=v1.20.1-0.20250919180509-956f510990a7
  [hashicorp/kubernetes@2.38.0]=v1.13.4-0.20250721172020-be88f4427105
)

# ---------------------------------------------------------------------------- setup
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${TANDEM_CACHE_DIR:-$HOME/.cache/tandem}"
MIRROR="$CACHE/terraform-mirror"
STAMPS="$CACHE/stamps"
LOGS="$CACHE/logs"
PRINT_ENV=0
ONLY=""   # --only a,b: restrict to these tools (terraform, checkov, or provider types)

for arg in "$@"; do
  case "$arg" in
    --print-env) PRINT_ENV=1 ;;
    --only=*) ONLY=",${arg#--only=}," ;;
    -h|--help) sed -n '2,/^set -Eeuo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "tools.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

export CHECKPOINT_DISABLE=1
export PATH="$PATH:/usr/local/go/bin"
mkdir -p "$CACHE" "$STAMPS" "$LOGS" "$CACHE/bin" "$MIRROR"
CACHE="$(cd "$CACHE" && pwd)"; MIRROR="$CACHE/terraform-mirror"; STAMPS="$CACHE/stamps"; LOGS="$CACHE/logs"

# One run at a time per cache dir.
exec 9>"$CACHE/.tools.lock"
flock 9

want() { [ -z "$ONLY" ] || [[ "$ONLY" == *",$1,"* ]]; }
status() { printf '%s\n' "$*" >&2; }
die() { printf 'tools.sh: error: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
json_get() { # json_get FILE JS-EXPRESSION-ON-j
  node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));const v=('"$2"');process.stdout.write(v==null?"":String(v))' "$1"
}
# Print a failing build log (all of it if short) and exit.
fail_with_log() { # fail_with_log WHAT LOGFILE
  local n; n=$(wc -l <"$2")
  status "---- $1 failed; $([ "$n" -gt 200 ] && echo "last 200 of $n lines" || echo "full output") of $2 ----"
  tail -n 200 "$2" >&2
  status "----"
  die "$1 failed (log: $2)"
}
need_go() {
  command -v go >/dev/null 2>&1 || die "Go toolchain not found (looked in PATH and /usr/local/go/bin); needed to build $1"
}
go_env() { # the environment every go invocation of this script uses
  env CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" GOWORK=off "$@"
}

# ---------------------------------------------------------------------------- terraform CLI
tf_version_of() { # prints "<terraform_version>" of a terraform/tofu binary, or nothing
  # (regex, not JSON.parse: OpenTofu 1.12 prints CLI-config warnings on stdout before the JSON)
  "$1" version -json 2>/dev/null | sed -n 's/^ *"terraform_version": *"\([^"]*\)".*/\1/p' | head -n1 || true
}

build_opentofu() { # builds OpenTofu $OPENTOFU_VERSION into $CACHE/opentofu/<v>/tofu
  local v="$OPENTOFU_VERSION" dir="$CACHE/opentofu/$OPENTOFU_VERSION" log="$LOGS/opentofu-$OPENTOFU_VERSION.log"
  local bin="$dir/tofu"
  if [ -x "$bin" ] && [ -f "$STAMPS/opentofu-$v" ]; then
    status "opentofu $v: cached ($bin)"; TF_BIN="$bin"; return
  fi
  need_go "OpenTofu"
  local t0; t0=$(now)
  rm -rf "$dir/build"; mkdir -p "$dir/build"
  : >"$log"
  # OpenTofu's go.mod has `replace` directives, so `go install ...@v` refuses it.
  # Instead: a throwaway main module that requires opentofu at the pinned version and
  # repeats its replace/exclude directives, then builds the cmd/tofu package from it.
  local info gomod
  info=$(cd "$dir/build" && go_env go mod download -json "github.com/opentofu/opentofu@v$v" 2>>"$log") \
    || { echo "$info" >>"$log"; fail_with_log "download github.com/opentofu/opentofu@v$v" "$log"; }
  gomod=$(node -e 'const j=JSON.parse(process.argv[1]);if(j.Error){console.error(j.Error);process.exit(1)}process.stdout.write(j.GoMod)' "$info" 2>>"$log") \
    || fail_with_log "download github.com/opentofu/opentofu@v$v" "$log"
  local godirective; godirective=$(go mod edit -json "$gomod" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{process.stdout.write(JSON.parse(s).Go||"1.22")})')
  (
    cd "$dir/build"
    printf 'module tandem.local/opentofu-build\n\ngo %s\n' "$godirective" >go.mod
    # repeat replace + exclude directives of opentofu's own go.mod
    go mod edit -json "$gomod" | node -e '
      let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
        const j=JSON.parse(s), at=(m)=>m.Path+(m.Version?"@"+m.Version:"");
        for (const r of j.Replace||[]) console.log("-replace="+at(r.Old)+"="+at(r.New));
        for (const e of j.Exclude||[]) console.log("-exclude="+at(e));
      })' | xargs -r go mod edit
    go_env go mod edit -require="github.com/opentofu/opentofu@v$v"
    go_env go get "github.com/opentofu/opentofu/cmd/tofu@v$v"
    # OpenTofu release builds set version.dev=no (prerelease marker off).
    go_env go build -p "${TANDEM_BUILD_JOBS:-$(nproc)}" -trimpath \
      -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
      -o "$dir/tofu.tmp" github.com/opentofu/opentofu/cmd/tofu
  ) >>"$log" 2>&1 || fail_with_log "build of OpenTofu $v" "$log"
  mv -f "$dir/tofu.tmp" "$bin"
  local got; got=$(tf_version_of "$bin")
  [ "$got" = "$v" ] || die "built OpenTofu reports version '$got', expected $v (log: $log)"
  printf 'version=%s\nbuilt_seconds=%s\ngo=%s\n' "$v" "$(( $(now) - t0 ))" "$(go env GOVERSION)" >"$STAMPS/opentofu-$v"
  status "opentofu $v: built in $(( $(now) - t0 )) s ($bin)"
  TF_BIN="$bin"
}

ensure_terraform() {
  TF_BIN=""
  local cand v
  if [ -n "${TANDEM_TERRAFORM:-}" ]; then
    cand=$(command -v "$TANDEM_TERRAFORM" || true)
    [ -n "$cand" ] || die "TANDEM_TERRAFORM=$TANDEM_TERRAFORM not found"
    v=$(tf_version_of "$cand")
    version_ge "${v:-0}" "$MIN_TERRAFORM" || die "TANDEM_TERRAFORM=$cand reports version '${v:-?}', need >= $MIN_TERRAFORM"
    TF_BIN="$cand"; status "terraform $v: using TANDEM_TERRAFORM ($cand)"
  elif [ "${TANDEM_FORCE_OPENTOFU:-0}" != 1 ] && cand=$(command -v terraform) \
      && v=$(tf_version_of "$cand") && version_ge "${v:-0}" "$MIN_TERRAFORM"; then
    TF_BIN="$cand"; status "terraform $v: found on PATH ($cand)"
  elif [ "${TANDEM_FORCE_OPENTOFU:-0}" != 1 ] && cand=$(command -v tofu) \
      && v=$(tf_version_of "$cand") && version_ge "${v:-0}" "$MIN_OPENTOFU"; then
    TF_BIN="$cand"; status "opentofu $v: found on PATH ($cand)"
  else
    [ "${TANDEM_FORCE_OPENTOFU:-0}" = 1 ] || status "no terraform >= $MIN_TERRAFORM / tofu >= $MIN_OPENTOFU on PATH; using OpenTofu $OPENTOFU_VERSION from source"
    build_opentofu
  fi
  TF_BIN="$(readlink -f "$TF_BIN")"
  printf '%s\n' "$TF_BIN" >"$CACHE/bin/terraform-path.tmp" && mv -f "$CACHE/bin/terraform-path.tmp" "$CACHE/bin/terraform-path"
  [ "$(readlink "$CACHE/bin/terraform" 2>/dev/null)" = "$TF_BIN" ] || ln -sfn "$TF_BIN" "$CACHE/bin/terraform"
}

# ---------------------------------------------------------------------------- providers
find_git_dir() { # find_git_dir owner/repo version -> prints a git dir containing the repo, or fails
  local slug="$1" ver="$2" owner="${1%%/*}" repo="${1#*/}" root d
  local roots="${TANDEM_GIT_MIRRORS:-}"
  roots="$roots:$CACHE/git"
  local IFS=:
  for root in $roots; do
    [ -n "$root" ] || continue
    for d in "$root/$owner+$repo/repo" "$root/$owner+$repo.git" "$root/$owner+$repo" \
             "$root/$owner/$repo.git" "$root/$owner/$repo"; do
      if [ -d "$d" ] && git --git-dir="$d" rev-parse --git-dir >/dev/null 2>&1; then
        printf '%s\n' "$d"; return 0
      elif [ -d "$d/.git" ]; then
        printf '%s\n' "$d/.git"; return 0
      fi
    done
  done
  # Last resort (machines that reach github.com but not a full Go proxy): shallow clone of the tag.
  d="$CACHE/git/$owner+$repo-v$ver.git"
  [ -d "$d" ] && git --git-dir="$d" rev-parse -q --verify "refs/tags/v$ver^{commit}" >/dev/null 2>&1 \
    && { printf '%s\n' "$d"; return 0; }
  rm -rf "$d"
  if timeout 900 git clone --quiet --bare --depth 1 --branch "v$ver" "https://github.com/$slug" "$d" >/dev/null 2>&1; then
    printf '%s\n' "$d"; return 0
  fi
  rm -rf "$d"
  return 1
}

# fetch_source KEY VERSION COMMIT DEST LOG -> fills DEST with the module source; sets SRC_ORIGIN
fetch_source() {
  local key="$1" ver="$2" commit="$3" dest="$4" log="$5" mod="${GO_MODULE[$1]}"
  local tmp; tmp=$(mktemp -d)
  rm -rf "$dest"; mkdir -p "$(dirname "$dest")"
  # 1. Go module proxy: by pinned pseudo-version, then by commit hash (the public proxy maps a
  #    hash to its pseudo-version). The go command verifies the zip against sum.golang.org.
  if [ -n "$commit" ]; then
    local q info dir pv
    for q in ${TAG_PSEUDO[$key@$ver]:-} "$commit"; do
      info=$(cd "$tmp" && go_env go mod download -json "$mod@$q" 2>>"$log") || true
      dir=$(node -e 'try{const j=JSON.parse(process.argv[1]);if(!j.Error&&j.Dir)process.stdout.write(j.Dir+"\n"+j.Version)}catch{}' "$info")
      if [ -n "$dir" ]; then
        pv=$(sed -n 2p <<<"$dir"); dir=$(sed -n 1p <<<"$dir")
        case "$pv" in *"${commit:0:12}"*) ;; *) rm -rf "$tmp"; die "proxy answered $mod@$q with $pv (not commit $commit)";; esac
        cp -R "$dir" "$dest" && chmod -R u+w "$dest"
        SRC_ORIGIN="goproxy $mod@$pv ($commit)"; rm -rf "$tmp"; return 0
      fi
      printf 'go module proxy: %s@%s: %s\n' "$mod" "$q" \
        "$(node -e 'try{process.stdout.write(JSON.parse(process.argv[1]).Error||"")}catch{process.stdout.write(process.argv[1])}' "$info")" >>"$log"
    done
    status "  $key $ver: Go module proxy cannot serve $mod@${commit:0:12}; trying a git clone of ${GIT_REPO[$key]}"
  fi
  rm -rf "$tmp"
  # 2. git: tag v<ver> must resolve to the pinned commit.
  local gd tagc
  gd=$(find_git_dir "${GIT_REPO[$key]}" "$ver") || {
    cat "$log" >&2
    die "cannot get source of $key $ver: the Go module proxy has no $mod@${commit:-<unknown commit>} and no git clone of github.com/${GIT_REPO[$key]} was found (set TANDEM_GIT_MIRRORS) or could be made"
  }
  tagc=$(git --git-dir="$gd" rev-parse -q --verify "refs/tags/v$ver^{commit}" 2>/dev/null) \
    || tagc=$(git --git-dir="$gd" rev-parse -q --verify "refs/tags/$ver^{commit}" 2>/dev/null) \
    || die "git clone $gd has no tag v$ver"
  if [ -z "$commit" ]; then
    status "  $key $ver: no pinned commit in tools.sh; using tag v$ver = $tagc (add it to TAG_COMMIT)"
    commit="$tagc"
  elif [ "$tagc" != "$commit" ]; then
    die "tag v$ver in $gd points at $tagc, but tools.sh pins $commit — refusing to build"
  fi
  # Partial mirrors may lack some large blobs; allow that only for docs/test data.
  local missing excludes=()
  missing=$(git --git-dir="$gd" ls-tree -r "$commit" | awk '$2=="blob"{print $3" "$4}' \
    | git --git-dir="$gd" cat-file --batch-check='%(objectname) %(objecttype) %(rest)' 2>/dev/null \
    | awk '$2=="missing"{print $1}' || true)
  if [ -n "$missing" ]; then
    local path
    while read -r path; do
      case "$path" in
        */testdata/*|testdata/*|docs/*|website/*|examples/*|_examples/*|*.md|*.png) excludes+=(":(exclude)$path") ;;
        *) die "git clone $gd lacks the blob for $path at $commit (needed to build); fetch the full repository" ;;
      esac
    done < <(git --git-dir="$gd" ls-tree -r "$commit" | awk '$2=="blob"{print $3" "$4}' | grep -F -f <(printf '%s\n' $missing) | cut -d' ' -f2-)
    status "  $key $ver: git clone lacks ${#excludes[@]} docs/testdata blob(s); exporting without them"
  fi
  mkdir -p "$dest"
  git --git-dir="$gd" archive --format=tar "$commit" -- . "${excludes[@]}" 2>>"$log" | tar -x -C "$dest" \
    || fail_with_log "git archive of $key $ver" "$log"
  [ -f "$dest/go.mod" ] || die "exported source of $key $ver has no go.mod"
  SRC_ORIGIN="git $gd tag v$ver ($commit)"
}

# OpenTofu resolves short sources ("google") to registry.opentofu.org/hashicorp/google, so the
# same binary is also placed there (hard link; its mirror scan does not follow directory symlinks).
link_for_opentofu() { # host ns type version bin
  [ "$1" = registry.terraform.io ] || return 0
  local odir="$MIRROR/registry.opentofu.org/$2/$3/$4/linux_amd64" obin
  obin="$odir/$(basename "$5")"
  if [ -L "$MIRROR/registry.opentofu.org/$2/$3/$4" ]; then rm -f "$MIRROR/registry.opentofu.org/$2/$3/$4"; fi
  if [ "$obin" -ef "$5" ]; then return 0; fi
  mkdir -p "$odir"
  ln -f "$5" "$obin" 2>/dev/null || cp -f "$5" "$obin"
}

ensure_provider() { # ensure_provider <npm-package-dir>
  local pj="$1/package.json" name ver
  name=$(json_get "$pj" 'j.cdktf&&j.cdktf.provider&&j.cdktf.provider.name') || die "cannot read $pj"
  ver=$(json_get "$pj" 'j.cdktf&&j.cdktf.provider&&j.cdktf.provider.version')
  [ -n "$name" ] && [ -n "$ver" ] || return 0   # e.g. @cdktf/provider-generator: not a binding
  case "$name" in */*/*) ;; */*) name="registry.terraform.io/$name" ;; *) name="registry.terraform.io/hashicorp/$name" ;; esac
  local host="${name%%/*}" rest="${name#*/}"; local ns="${rest%%/*}" type="${rest#*/}"
  local key="$ns/$type"
  PROVIDER_INCLUDES+=("$host/$key")
  local ddir="$MIRROR/$host/$ns/$type/$ver/linux_amd64"
  local bin="$ddir/terraform-provider-${type}_v$ver"
  local stamp="$STAMPS/provider-$ns-$type-$ver"
  [ "$host" = registry.terraform.io ] && PROVIDER_INCLUDES+=("registry.opentofu.org/$key")
  if [ -x "$bin" ] && [ -f "$stamp" ]; then
    link_for_opentofu "$host" "$ns" "$type" "$ver" "$bin"
    status "$type $ver: cached"; return 0
  fi
  want "$type" || { status "$type $ver: skipped (--only)"; return 0; }
  [ -n "${GO_MODULE[$key]:-}" ] || die "no build recipe for provider $key in tools.sh (add GO_MODULE/GIT_REPO/VERSION_LDFLAGS)"
  need_go "provider $key"
  local t0; t0=$(now)
  local log="$LOGS/provider-$ns-$type-$ver.log"; : >"$log"
  local commit="${TAG_COMMIT[$key@$ver]:-}"
  local src="$CACHE/src/$ns-$type-$ver"
  status "$type $ver: building from source (cold on 2 cores: google ~5-6 min, docker ~3, kubernetes ~2)"
  SRC_ORIGIN=""
  fetch_source "$key" "$ver" "$commit" "$src" "$log"
  [ -n "$commit" ] || commit=$(sed -n 's/.*(\([0-9a-f]\{40\}\))$/\1/p' <<<"$SRC_ORIGIN")
  local x="${VERSION_LDFLAGS[$key]:-}"; x="${x//\{V\}/$ver}"; x="${x//\{C\}/$commit}"
  mkdir -p "$ddir"
  {
    echo "# source: $SRC_ORIGIN"
    echo "# go build -trimpath -ldflags \"-s -w $x\""
  } >>"$log"
  ( cd "$src" && go_env go build -p "${TANDEM_BUILD_JOBS:-$(nproc)}" -trimpath \
      -ldflags "-s -w $x" -o "$bin.tmp" . ) >>"$log" 2>&1 \
    || { rm -f "$bin.tmp"; fail_with_log "build of provider $key $ver" "$log"; }
  mv -f "$bin.tmp" "$bin"
  local secs=$(( $(now) - t0 ))
  printf 'provider=%s\nversion=%s\ncommit=%s\nsource=%s\ngo=%s\nldflags=-s -w %s\nbuilt_seconds=%s\nsha256=%s\n' \
    "$host/$key" "$ver" "$commit" "$SRC_ORIGIN" "$(go env GOVERSION)" "$x" "$secs" \
    "$(sha256sum "$bin" | cut -d' ' -f1)" >"$stamp"
  rm -rf "$src"   # the Go build cache keeps the compiled packages; the source can go
  link_for_opentofu "$host" "$ns" "$type" "$ver" "$bin"
  status "$type $ver: built in $secs s ($SRC_ORIGIN)"
}

write_cli_config() {
  local inc="" p
  for p in "${PROVIDER_INCLUDES[@]}"; do inc+="      \"$p\",\n"; done
  local cfg
  cfg=$(printf '# Generated by scripts/terraform/tools.sh. Use with TF_CLI_CONFIG_FILE=%s\n# The providers below come from the locally built filesystem mirror; every other\n# provider is installed from its registry as usual.\nprovider_installation {\n  filesystem_mirror {\n    path    = "%s"\n    include = [\n%b    ]\n  }\n  direct {\n    exclude = [\n%b    ]\n  }\n}\n' \
    "$CACHE/terraformrc" "$MIRROR" "$inc" "$inc")
  if [ "$(cat "$CACHE/terraformrc" 2>/dev/null)" != "$cfg" ]; then
    printf '%s\n' "$cfg" >"$CACHE/terraformrc.tmp" && mv -f "$CACHE/terraformrc.tmp" "$CACHE/terraformrc"
    status "terraformrc: written ($CACHE/terraformrc)"
  fi
}

# ---------------------------------------------------------------------------- checkov
ensure_checkov() {
  local venv="$CACHE/checkov-venv"
  if [ -x "$venv/bin/checkov" ] && compgen -G "$venv/lib/python3*/site-packages/checkov-$CHECKOV_VERSION.dist-info" >/dev/null; then
    status "checkov $CHECKOV_VERSION: cached"; return 0
  fi
  local py="${TANDEM_PYTHON:-python3}" t0 log="$LOGS/checkov-$CHECKOV_VERSION.log"
  t0=$(now); : >"$log"
  command -v "$py" >/dev/null || die "$py not found (needed for checkov)"
  {
    "$py" -m venv --clear "$venv" &&
    "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q "checkov==$CHECKOV_VERSION" &&
    "$venv/bin/checkov" --version
  } >>"$log" 2>&1 || fail_with_log "install of checkov $CHECKOV_VERSION" "$log"
  status "checkov $CHECKOV_VERSION: installed in $(( $(now) - t0 )) s"
}

# ---------------------------------------------------------------------------- main
ensure_terraform
PROVIDER_INCLUDES=()
shopt -s nullglob
pkgs=("$REPO_ROOT"/node_modules/@cdktf/provider-*)
[ ${#pkgs[@]} -gt 0 ] || die "no @cdktf/provider-* packages in $REPO_ROOT/node_modules (run npm install)"
for p in "${pkgs[@]}"; do ensure_provider "$p"; done
write_cli_config
if want checkov; then ensure_checkov; fi

if [ "$PRINT_ENV" = 1 ]; then
  printf "export TF_CLI_CONFIG_FILE='%s'\n" "$CACHE/terraformrc"
  printf "export TERRAFORM_BINARY_NAME='%s'\n" "$TF_BIN"
  printf "export CHECKOV='%s'\n" "$CACHE/checkov-venv/bin/checkov"
  printf "export TANDEM_TERRAFORM_MIRROR='%s'\n" "$MIRROR"
fi
