# syntax=docker/dockerfile:1
# The one congxa image: every service (`serve gateway|content|media|analytics`,
# or `serve all`), the migrations (`migrate`) and the operators' commands.
#
#   docker build -t registry.haiphong.gov.vn/congxa:0.1.0 .
#
# Templates, assets, the editor's bundle and the migrations are embedded in
# the binary, so the image holds nothing else. Queries are checked at
# compile time against the committed .sqlx/ data: no database is needed.

# The Rust of the workspace (rust-version in Cargo.toml, and the machines').
ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src
ENV SQLX_OFFLINE=true \
    CARGO_TERM_COLOR=never \
    CARGO_INCREMENTAL=0
COPY . .
# The crate registry and the build output stay in BuildKit's cache between
# builds; the binary is copied out of the cached folder.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked -p congxa \
    && install -D -m 0755 target/release/congxa /out/congxa

# glibc, libgcc and the CA certificates (TLS to PostgreSQL, S3, SMTP and the
# collector), no shell, no package manager; Debian 12 like the builder, so
# the binary finds the glibc it was linked against.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/congxa /usr/local/bin/congxa
# The distroless `nonroot` user, by number so that Kubernetes can check
# runAsNonRoot without reading /etc/passwd.
USER 65532:65532
# The gateway; the other services listen where CONGXA_*_LISTEN says.
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/congxa"]
CMD ["serve", "all"]
