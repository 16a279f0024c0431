# syntax=docker/dockerfile:1
# Build: the same script CI runs on a plain machine (scripts/build-release).
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev zlib1g-dev libpq-dev \
    libcurl4-openssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Plugins ./Plugins
COPY Sources ./Sources
COPY sql ./sql
COPY scripts ./scripts
RUN scripts/build-release /out

# Run: a slim Debian with the C libraries (libpq for PostgreSQL, libcurl for the sync worker and the CRM outbox), as a
# non-root user. The packages match the -dev packages above (scripts/build-release lists what links them).
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-0 zlib1g libpq5 libcurl4 \
    ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app ordersync \
    && mkdir -p /app/data && chown ordersync /app/data
WORKDIR /app
# sql/ is built into both binaries (Plugins/EmbedSQL): nothing else to copy.
COPY --from=build /out/ordersync /out/ordersync-sync /app/
USER ordersync
# No DB_PATH: ordersync's default, data/ordersync.db under WORKDIR /app, is /app/data/ordersync.db, and
# ordersync refuses DB_PATH together with DATABASE_URL, so an image that set it could not run on PostgreSQL.
ENV PORT=8080 LOG_FORMAT=json
EXPOSE 8080
# No curl in the image: the binary asks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["/app/ordersync", "healthcheck"]
ENTRYPOINT ["/app/ordersync"]
CMD ["serve"]
