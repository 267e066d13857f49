#!/bin/sh
# image.sh - build argomig's container images with podman on a machine that
# has no Docker engine and no access to any container registry.
#
#   sh tools/image.sh build DIR VERSION REVISION   base image, then both targets
#   sh tools/image.sh base DIR                     only the base image
#   sh tools/image.sh podman DIR ARGS...           podman with DIR's configuration
#   sh tools/image.sh clean DIR                    remove DIR (podman storage too)
#
# Everything podman and buildah write (image storage, run state, temporary
# files, events) lives under DIR, configured before the very first podman
# call: nothing is left in /var/lib/containers, /run or /var/tmp. Builds use
# --pull=never, so `FROM debian:bookworm-slim` resolves to a base image made
# here with debootstrap from the Debian mirror and imported under Docker
# Hub's name; its tarball is cached in DIR, so only the first build pays for
# debootstrap. Images are tagged ghcr.io/argomig/argomig-{cmp,preflight}:VERSION,
# the names `argomig generate` and manifests/ refer to.
set -eu

MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
BASE_REF=docker.io/library/debian:bookworm-slim
REGISTRY=ghcr.io/argomig

die() {
	echo "image.sh: $*" >&2
	exit 1
}

# setup DIR: write the podman configuration once and point podman at it.
setup() {
	dir=$1
	mkdir -p "$dir/storage" "$dir/run" "$dir/tmp" "$dir/conf"
	dir=$(cd "$dir" && pwd)
	if [ ! -f "$dir/conf/containers.conf" ]; then
		cat >"$dir/conf/containers.conf" <<EOF
# Written by tools/image.sh: podman for argomig's image builds and tests.
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
log_driver = "k8s-file"
netns = "none"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/run/events.log"
tmp_dir = "$dir/run/libpod"
image_copy_tmp_dir = "$dir/tmp"
pull_policy = "never"
volume_path = "$dir/storage/volumes"

[engine.runtimes]
runc = ["$dir/conf/runc"]

[network]
network_config_dir = "$dir/conf/networks"
EOF
		# podman forgets --runtime-flag in the clean-up it runs when a
		# container exits, so a wrapper gives runc its state directory.
		printf '#!/bin/sh\nexec /usr/bin/runc --root "%s" "$@"\n' \
			"$dir/run/runc" >"$dir/conf/runc"
		chmod 755 "$dir/conf/runc"
		cat >"$dir/conf/storage.conf" <<EOF
# Written by tools/image.sh.
[storage]
driver = "overlay"
graphroot = "$dir/storage"
runroot = "$dir/run/storage"
EOF
		cat >"$dir/conf/registries.conf" <<EOF
# Written by tools/image.sh: short names mean Docker Hub; nothing is pulled.
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
EOF
	fi
	export CONTAINERS_CONF="$dir/conf/containers.conf"
	export CONTAINERS_STORAGE_CONF="$dir/conf/storage.conf"
	export CONTAINERS_REGISTRIES_CONF="$dir/conf/registries.conf"
	export TMPDIR="$dir/tmp"
	DIR=$dir
}

# Image commits also record blob digests in /var/lib/containers/cache, a
# path no setting moves: if this run created that directory, it removes it.
varlib_created=
pm() {
	if [ -z "$varlib_created" ]; then
		varlib_created=no
		if [ ! -e /var/lib/containers ]; then
			varlib_created=yes
			trap 'rm -rf /var/lib/containers' EXIT
		fi
	fi
	podman --root "$DIR/storage" --runroot "$DIR/run/storage" \
		--storage-driver overlay --cgroup-manager cgroupfs \
		--events-backend file --tmpdir "$DIR/run/libpod" "$@"
}

# slim ROOT: what Debian's official "-slim" images do to a minbase tree:
# no documentation, manuals or translations now or in later installs, apt
# keeps no package cache, and the image holds no package lists.
slim() {
	root=$1
	cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF
	cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
	echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
	printf '%s\n' 'Acquire::GzipIndexes "true";' \
		'Acquire::CompressionTypes::Order:: "gz";' \
		>"$root/etc/apt/apt.conf.d/docker-gzip-indexes"
	echo 'Apt::AutoRemove::SuggestsImportant "false";' \
		>"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
	rm -f "$root/etc/apt/sources.list"
	cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	find "$root/usr/share/doc" -mindepth 1 -not -name copyright \
		-not -type d -delete
	find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
	rm -rf "$root/usr/share/man/"* "$root/usr/share/groff/"* \
		"$root/usr/share/info/"* "$root/usr/share/lintian/"* \
		"$root/usr/share/linda/"* \
		"$root/var/cache/apt/"*.bin "$root/var/cache/apt/archives/"*.deb \
		"$root/var/lib/apt/lists/"* "$root/var/log/"*.log \
		"$root/var/log/apt/"* "$root/var/cache/debconf/"*-old \
		"$root/tmp/"*
	find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 \
		-not -name locale.alias -exec rm -rf {} +
	: >"$root/etc/machine-id"
}

# base: create and import debian:bookworm-slim unless it is there already.
base() {
	if pm image exists "$BASE_REF"; then
		return 0
	fi
	tarball=$DIR/debian-bookworm-slim.tar
	if [ ! -s "$tarball" ]; then
		command -v debootstrap >/dev/null || die "debootstrap is missing (make deps-image)"
		root=$DIR/rootfs
		rm -rf "$root"
		echo "image.sh: debootstrap bookworm from $MIRROR (once; cached in $tarball)" >&2
		debootstrap --variant=minbase bookworm "$root" "$MIRROR" \
			>"$DIR/debootstrap.log" 2>&1 ||
			{ tail -n 20 "$DIR/debootstrap.log" >&2; die "debootstrap failed"; }
		slim "$root"
		tar --numeric-owner --sort=name -C "$root" -cf "$tarball.tmp" .
		mv "$tarball.tmp" "$tarball"
		rm -rf "$root"
	fi
	pm import -q --change 'CMD ["bash"]' \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		"$tarball" "$BASE_REF" >/dev/null
}

# build VERSION REVISION: both targets of the Dockerfile in the current directory.
build() {
	version=$1
	revision=$2
	base
	# The builder stage is tagged too, so pruning the layers of earlier
	# builds keeps its package layer: the next build only recompiles.
	for target in builder cmp preflight; do
		tag=$REGISTRY/argomig-$target:$version
		[ "$target" = builder ] && tag=localhost/argomig-builder:latest
		echo "image.sh: building $tag" >&2
		pm build --isolation chroot --pull=never --layers \
			--target "$target" \
			--build-arg "VERSION=$version" \
			--build-arg "REVISION=$revision" \
			-t "$tag" -f Dockerfile . >"$DIR/build-$target.log" 2>&1 ||
			{ tail -n 30 "$DIR/build-$target.log" >&2; die "building $target failed (log: $DIR/build-$target.log)"; }
	done
	pm image prune -f >/dev/null
	pm images --format '{{.Repository}}:{{.Tag}} {{.Size}}' \
		--filter "reference=$REGISTRY/*:$version" >&2
}

[ $# -ge 2 ] || die "usage: image.sh build|base|podman|clean DIR [ARGS...]"
cmd=$1
if [ "$cmd" = clean ]; then
	if [ -d "$2/storage" ]; then
		setup "$2"
		pm system reset -f >/dev/null 2>&1 || true
	fi
	rm -rf "$2"
	exit 0
fi
command -v podman >/dev/null || die "podman is missing (make deps-image)"
setup "$2"
shift 2
case $cmd in
build)
	[ $# -eq 2 ] || die "usage: image.sh build DIR VERSION REVISION"
	build "$1" "$2"
	;;
base)
	base
	;;
podman)
	pm "$@"
	;;
*)
	die "unknown command '$cmd'"
	;;
esac
