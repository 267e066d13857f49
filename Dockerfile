# Dockerfile - argomig's two images, from one builder stage that compiles
# with the project's own Makefile (DESIGN.md §2):
#
#   --target cmp        the Argo CD sidecar: argomig, its runtime libraries and
#                       cmp/plugin.yaml at /home/argocd/cmp-server/config/,
#                       user 999; Argo CD's argocd-cmp-server (mounted from the
#                       repo-server's var-files volume) is the command
#   --target preflight  argomig-preflight and the libraries it links (libpq),
#                       user 65532; the PreSync Job's entrypoint
#
# Both need --build-arg VERSION (checked against the Makefile's) and
# REVISION (the git revision: the build context carries no .git); they are
# compiled into the binaries and set as OCI labels. `make image` builds both
# with podman, no Docker engine needed (tools/image.sh).

FROM debian:bookworm-slim AS builder
# The libraries come from tools/deps.sh, the list `make deps` installs.
COPY tools/deps.sh /tmp/deps.sh
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev make \
	$(sh /tmp/deps.sh build-packages) \
 && rm -rf /var/lib/apt/lists/* /tmp/deps.sh
WORKDIR /src
COPY Makefile ./
COPY tools/ tools/
COPY docs/ docs/
COPY src/ src/
COPY cmp/ cmp/
ARG VERSION
ARG REVISION
RUN test -n "$VERSION" && test -n "$REVISION" \
 || { echo 'Dockerfile: --build-arg VERSION and REVISION are required' >&2; exit 1; }; \
    made=$(make -s print-version) \
 && test "$made" = "$VERSION" \
 || { echo "Dockerfile: VERSION=$VERSION but the Makefile says $made" >&2; exit 1; }
RUN make -j2 REVISION="$REVISION" build/argomig build/argomig-preflight \
 && mkdir -p /out/cmp/usr/local/bin /out/cmp/home/argocd/cmp-server/config \
	/out/cmp/home/argocd/cmp-server/plugins /out/preflight/usr/local/bin \
 && install -m 755 -s build/argomig /out/cmp/usr/local/bin/argomig \
 && install -m 644 cmp/plugin.yaml /out/cmp/home/argocd/cmp-server/config/plugin.yaml \
 && install -m 755 -s build/argomig-preflight /out/preflight/usr/local/bin/argomig-preflight \
 && sh tools/runtime-deps.sh build/argomig $(make -s print-dlopen) >/out/cmp.pkgs \
 && sh tools/runtime-deps.sh build/argomig-preflight >/out/preflight.pkgs \
 && /out/cmp/usr/local/bin/argomig --version | grep -qF "$VERSION (git $REVISION)"

# The sidecar. argocd-cmp-server runs the commands of plugin.yaml without a
# shell; the root filesystem may be read-only (work files go to /tmp).
FROM debian:bookworm-slim AS cmp
COPY --from=builder /out/cmp.pkgs /tmp/
RUN apt-get update \
 && apt-get install -y --no-install-recommends $(cat /tmp/cmp.pkgs) \
 && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log /tmp/cmp.pkgs \
 && groupadd -g 999 argocd \
 && useradd -u 999 -g 999 -d /home/argocd -M -s /usr/sbin/nologin argocd
COPY --from=builder /out/cmp/ /
# The plugin configuration stays root's; the user owns only its home and the
# plugins directory, where argocd-cmp-server creates its socket.
RUN chown 999:999 /home/argocd /home/argocd/cmp-server /home/argocd/cmp-server/plugins
ARG VERSION
ARG REVISION
LABEL org.opencontainers.image.title="argomig-cmp" \
      org.opencontainers.image.description="argomig Config Management Plugin sidecar for the Argo CD repo-server" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.revision="$REVISION"
ENV HOME=/home/argocd
WORKDIR /home/argocd
USER 999:999
CMD ["/var/run/argocd/argocd-cmp-server"]

# The PreSync preflight Job's image.
FROM debian:bookworm-slim AS preflight
COPY --from=builder /out/preflight.pkgs /tmp/
RUN apt-get update \
 && apt-get install -y --no-install-recommends $(cat /tmp/preflight.pkgs) \
 && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log /tmp/preflight.pkgs \
 && groupadd -g 65532 nonroot \
 && useradd -u 65532 -g 65532 -d /nonexistent -M -s /usr/sbin/nologin nonroot
COPY --from=builder /out/preflight/ /
ARG VERSION
ARG REVISION
LABEL org.opencontainers.image.title="argomig-preflight" \
      org.opencontainers.image.description="argomig-preflight: go / no-go checks on PostgreSQL before a migration" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.revision="$REVISION"
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/argomig-preflight"]
