# shellcheck shell=bash
# Shared by the hack/offline-*-image.sh scripts (source it): an image's root filesystem assembled
# from this machine's files, without a registry, then `docker import`ed.

# Copies every shared library the given binaries link against into the rootfs, at the same path
# (the loader included), and libgcc_s, which glibc loads at run time (thread cancellation) where
# ldd cannot see it.
rootfs_libs() {
  local rootfs=$1 lib gcc_s
  shift
  printf '%s\0' "$@" | xargs -0 ldd 2>/dev/null |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u |
    while read -r lib; do
      mkdir -p "${rootfs}$(dirname "${lib}")"
      cp -L "${lib}" "${rootfs}${lib}"
    done
  # awk reads to the end: exiting early would kill ldconfig with SIGPIPE, fatal under pipefail.
  gcc_s=$(ldconfig -p | awk '/libgcc_s.so.1 .*x86-64/ && !found { print $NF; found = 1 }')
  if [[ -n "${gcc_s}" ]]; then
    mkdir -p "${rootfs}$(dirname "${gcc_s}")"
    cp -L "${gcc_s}" "${rootfs}${gcc_s}"
  fi
}

# busybox with the given applets in /bin, /tmp, and the users root and nonroot (65532).
rootfs_busybox() {
  local rootfs=$1 applet
  shift
  mkdir -p "${rootfs}"/{bin,etc,tmp}
  chmod 1777 "${rootfs}/tmp"
  cp /bin/busybox "${rootfs}/bin/busybox"
  for applet in "$@"; do ln -sf busybox "${rootfs}/bin/${applet}"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/tmp:/bin/false\n' >"${rootfs}/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"${rootfs}/etc/group"
}

# Imports the rootfs as the image into the daemon at the socket, with the given `--change`s;
# prints the image ID. Reproducible: sorted, mtime 0, root-owned.
rootfs_import() {
  local socket=$1 rootfs=$2 image=$3 change
  shift 3
  local args=()
  for change in "$@"; do args+=(--change "${change}"); done
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "${rootfs}" -cf "${rootfs}.tar" .
  env -u DOCKER_HOST -u DOCKER_CONTEXT /usr/bin/docker -H "unix://${socket}" import "${args[@]}" \
    "${rootfs}.tar" "${image}"
}
