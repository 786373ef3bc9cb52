# Sourced by scripts/devwiki: which MediaWiki runs the dev wiki, and where.
#
# DEVWIKI_MW picks the version: 1.43 (the default, Debian 13 "trixie"'s `mediawiki` package) or
# 1.39 (Debian 12 "bookworm"'s). When the host runs that Debian release, the host's own package
# is used (installed system-wide with apt-get, as before). Otherwise MediaWiki runs in a chroot of
# that release, made once per machine with mmdebstrap from the mirror the host's apt already uses,
# in DEVWIKI_CACHE (default /var/cache/partnership-tracker), outside every checkout: all clones
# and worktrees on the machine share it. DEVWIKI_MW_CHROOT=1 uses the chroot even when the host's
# release would do.
#
# In the chroot, every PHP process (server and maintenance scripts) runs in a mount namespace of
# its own (unshare --mount) in which the wiki's data folder (DEVWIKI_DIR) and scripts/devwiki.d
# are bind-mounted at their own paths, so the paths in LocalSettings.php are the same inside and
# out; the mounts vanish with the process. It runs as the calling user (chroot --userspec).
#
# Needs from the caller: DATA, SUPPORT, SUDO, log, die, now, since.

MW_VERSION=${DEVWIKI_MW:-1.43}
case $MW_VERSION in
    1.39) MW_RELEASE=bookworm ;;
    1.43) MW_RELEASE=trixie ;;
    *) die "DEVWIKI_MW=$MW_VERSION: not a version this script knows" "use 1.43 (the default) or 1.39" ;;
esac
HOST_RELEASE=$(. /etc/os-release 2>/dev/null && printf '%s' "${VERSION_CODENAME:-}")
MW_CACHE=$(realpath -m -- "${DEVWIKI_CACHE:-/var/cache/partnership-tracker}")
# What MediaWiki needs: the package, SQLite, the PHP extensions it and Scribunto use, and
# pygmentize for SyntaxHighlight (trixie's has no copy of its own).
MW_PACKAGES=(mediawiki php-sqlite3 php-cli php-intl php-mbstring php-xml php-apcu php-luasandbox
    python3-pygments)
# Every command scripts/devwiki and devwiki.d call that a minimal Debian may lack: pgrep and
# pkill (procps), ss (iproute2), python3 (configure.py, devsecrets.py); flock, setsid and
# unshare (util-linux), mount; mmdebstrap for the chroot. curl is used when present.
TOOL_PACKAGES=(procps iproute2 python3 util-linux)
MW_DIR=/usr/share/mediawiki
if [[ $MW_RELEASE == "$HOST_RELEASE" && ${DEVWIKI_MW_CHROOT:-0} != 1 ]]; then
    MW_ROOT=""  # the host's own package
    HOST_PACKAGES=("${MW_PACKAGES[@]}" "${TOOL_PACKAGES[@]}")
else
    HOST_PACKAGES=(mmdebstrap mount "${TOOL_PACKAGES[@]}")
    # The folder's name changes with what goes in, so a changed recipe builds a new chroot.
    MW_RECIPE="1 $MW_RELEASE ${MW_PACKAGES[*]}"
    MW_ROOT=$MW_CACHE/mediawiki-$MW_VERSION-$MW_RELEASE-$(printf '%s' "$MW_RECIPE" | sha256sum | cut -c1-8)
fi

# mw_prefix: set MW_PREFIX to the command words that run a program where MediaWiki is: nothing on
# the host; in the chroot, a private mount namespace with DATA, SUPPORT and the folders that
# symlinks directly in DATA point to (db/ on tmpfs for the benchmarks) mounted at their paths.
mw_prefix() {
    MW_PREFIX=()
    [[ -n $MW_ROOT ]] || return 0
    local -a binds=("$DATA" "$(realpath -- "$SUPPORT")")
    local entry target
    for entry in "$DATA"/*; do
        [[ -L $entry && -d $entry ]] || continue
        target=$(realpath -- "$entry")
        [[ $target == "$DATA"/* ]] || binds+=("$target")
    done
    MW_PREFIX=($SUDO unshare --mount --propagation private -- "$SUPPORT/in-chroot" "$MW_ROOT"
        "$(id -u):$(id -g)" "${binds[@]}" --)
}

# The Debian mirror the host's apt uses (REPO_URI of the host release's own suite), and the
# security archive's when there is one: "URI SECURITY_URI".
host_mirrors() {
    local targets main security
    targets=$(apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE)' \
        'Created-By: Packages' 2>/dev/null | sort -u)
    main=$(awk -v r="$HOST_RELEASE" '$2 == r { print $1; exit }' <<<"$targets")
    security=$(awk -v r="$HOST_RELEASE-security" '$2 == r { print $1; exit }' <<<"$targets")
    [[ -n $main ]] || return 1
    printf '%s %s\n' "${main%/}" "${security%/}"
}

# Build the chroot once per machine: in a folder beside the final one, renamed into place when
# complete (a builder that dies leaves no half chroot behind the final name), under a lock on
# the cache folder so that two checkouts starting at once build it once.
ensure_chroot() {
    [[ -n $MW_ROOT ]] || return 0
    # Every PHP process needs a mount namespace of its own: root (or sudo) and a kernel or
    # container that allows them.
    if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
        die "MediaWiki $MW_VERSION runs in a chroot here (the host is Debian '${HOST_RELEASE:-?}'), which needs root or sudo"
    fi
    if ! $SUDO unshare --mount --propagation private sh -c : 2>/dev/null; then
        die "this machine allows no mount namespace (unshare --mount), which the chroot of Debian $MW_RELEASE needs" \
            "run the dev wiki on Debian $MW_RELEASE (its own mediawiki package is then used)," \
            "or pick the MediaWiki of this host's release: DEVWIKI_MW=1.39 on bookworm, 1.43 on trixie"
    fi
    [[ -e $MW_ROOT/.devwiki-ready ]] && return 0
    local lock=$MW_ROOT.lock build=$MW_ROOT.build t0 mirrors main security
    (umask 022 && $SUDO mkdir -p -- "$MW_CACHE")
    (umask 022 && $SUDO touch -- "$lock")
    exec 8<"$lock"
    if ! flock -n 8; then
        log "waiting for another checkout that is building $MW_ROOT"
        flock -w 1800 8 || die "gave up waiting for the lock on $lock"
    fi
    if [[ -e $MW_ROOT/.devwiki-ready ]]; then
        exec 8<&-
        return 0
    fi
    t0=$(now)
    mirrors=$(host_mirrors) || die "no Debian mirror for '$HOST_RELEASE' in this machine's apt sources" \
        "the chroot of Debian $MW_RELEASE is fetched from the mirror apt uses for the host's release;" \
        "or run MediaWiki $MW_VERSION's own Debian release, or pick DEVWIKI_MW=1.39 / 1.43"
    read -r main security <<<"$mirrors"
    local -a sources=("deb $main $MW_RELEASE main" "deb $main $MW_RELEASE-updates main")
    [[ -n $security ]] && sources+=("deb $security $MW_RELEASE-security main")
    log "building MediaWiki $MW_VERSION (Debian $MW_RELEASE) in $MW_ROOT, once per machine" \
        "(about 150 MB to download, 600 MB on disk; a minute or two)"
    # A builder killed earlier leaves its folder; its own mount namespace took its mounts along.
    [[ -e $build ]] && $SUDO rm -rf --one-file-system -- "$build"
    [[ -e $MW_ROOT ]] && $SUDO rm -rf --one-file-system -- "$MW_ROOT"
    local log_file=$MW_CACHE/build-$(basename -- "$MW_ROOT").log
    local -a packages=("${MW_PACKAGES[@]}")
    # umask 022: the chroot is read by every user; unshare: mmdebstrap's mounts (/proc, /dev)
    # end with it even if it is killed.
    if ! (umask 022 && $SUDO unshare --mount --propagation private -- mmdebstrap --mode=root \
        --variant=minbase --aptopt='APT::Install-Recommends "false"' \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --include="$(IFS=,; printf '%s' "${packages[*]}")" \
        "$MW_RELEASE" "$build" "${sources[@]}") >"$log_file" 2>&1; then
        tail -n 20 "$log_file" >&2
        $SUDO rm -rf --one-file-system -- "$build"
        die "mmdebstrap failed (full log: $log_file)" "fix the problem above and run ./scripts/devwiki up again"
    fi
    $SUDO chroot "$build" dpkg-query -W -f='${Version}\n' mediawiki | $SUDO tee "$build/.devwiki-ready" >/dev/null
    $SUDO mv -T -- "$build" "$MW_ROOT"
    exec 8<&-
    log "MediaWiki $MW_VERSION built in $(since "$t0") ($(du -sh -- "$MW_ROOT" | cut -f1))"
}
