#!/bin/sh
# Entry point of the Litestream sidecar (deploy/litestream.Dockerfile): restore the database, then
# replicate it, then on SIGTERM keep replicating until ordersync has finished its drain.
#
# Cloud Run starts ordersync only after this container's startup probe (TCP :9090) passes, and
# Litestream opens :9090 only once `replicate` has opened the database: so ordersync never opens a
# database that is still being restored (container order: `run.googleapis.com/container-dependencies`).
#
# Environment (deploy/service.yaml):
#   DB_PATH            the database file, on the in-memory volume shared with ordersync
#   LITESTREAM_BUCKET  Cloud Storage bucket of the replicas
#   REPLICA_ROOT       folder in the bucket; each revision replicates to REPLICA_ROOT/<revision>
#   K_REVISION         this revision (injected by Cloud Run)
#   EXPECTED_REVISION  the revision name deploy/render-service gave this template
#   PREVIOUS_REVISION  the revision that served before this one ("none" on the first deploy)
#   DB_OWNER           uid:gid ordersync runs as (the image's user 10001)
#   DRAIN_SECONDS      how long to keep replicating after SIGTERM (ordersync drains within 8 s)
# Restores name the replica by URL and pass no -config: Litestream refuses the two together.
set -eu

: "${DB_PATH:?}" "${LITESTREAM_BUCKET:?}" "${REPLICA_ROOT:?}" "${K_REVISION:?}"
: "${EXPECTED_REVISION:?}" "${PREVIOUS_REVISION:?}"
owner="${DB_OWNER:-10001:10001}"
drain_seconds="${DRAIN_SECONDS:-7}"
config="${LITESTREAM_CONFIG:-/etc/litestream.yml}"
litestream="${LITESTREAM_BIN:-litestream}"

log() { printf 'litestream-run: %s\n' "$*" >&2; }
replica() { printf 'gs://%s/%s/%s' "$LITESTREAM_BUCKET" "$REPLICA_ROOT" "$1"; }

# A revision made outside deploy/render-service (console "Edit & deploy", `gcloud run deploy`) copies
# PREVIOUS_REVISION from an older template and would restore an older copy of the data: refuse it.
if [ "$K_REVISION" != "$EXPECTED_REVISION" ]; then
    log "revision $K_REVISION was not rendered by deploy/render-service (expected $EXPECTED_REVISION);"
    log "refusing to start, so the serving revision keeps the data. Deploy with cloudbuild.yaml or deploy/setup.sh."
    exit 1
fi

if [ -e "$DB_PATH" ]; then
    # The container restarted inside a live instance: the volume still holds the database.
    log "$DB_PATH exists; not restoring"
else
    mkdir -p "$(dirname "$DB_PATH")"
    # This revision's own replica: present when an instance of this revision ran before.
    log "restoring $(replica "$K_REVISION") if it exists"
    "$litestream" restore -if-replica-exists -o "$DB_PATH" "$(replica "$K_REVISION")"
    if [ ! -e "$DB_PATH" ]; then
        if [ "$PREVIOUS_REVISION" = "none" ]; then
            log "no replica and no previous revision: first deploy, ordersync starts an empty database"
        else
            # Strict: the previous revision served, so its replica must exist. Starting empty here would
            # hide the data behind a fresh database.
            log "restoring $(replica "$PREVIOUS_REVISION")"
            "$litestream" restore -o "$DB_PATH" "$(replica "$PREVIOUS_REVISION")"
        fi
    fi
fi

# ordersync runs as a non-root user; the restore ran as root. SQLite gives the -wal and -shm files it
# creates the database file's owner, so owning the folder and the file is enough.
chown "$owner" "$(dirname "$DB_PATH")"
if [ -e "$DB_PATH" ]; then chown "$owner" "$DB_PATH"; fi

child=""
terminating=0
# shellcheck disable=SC2317  # invoked by the trap below
on_term() {
    terminating=1
    # ordersync receives SIGTERM too and commits what is in flight for up to 8 s; Litestream keeps
    # shipping those commits meanwhile, then makes its final upload (shutdown-sync-timeout) before the
    # SIGKILL that Cloud Run sends 10 s after SIGTERM.
    log "SIGTERM: replicating for ${drain_seconds}s more while ordersync drains"
    sleep "$drain_seconds"
    if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || true; fi
}
# The trap comes before the child: a SIGTERM the moment replicate starts must not kill this script and
# leave replicate running without it.
trap on_term TERM INT

log "replicating to $(replica "$K_REVISION")"
"$litestream" replicate -config "$config" &
child=$!
# A SIGTERM that came before `child` was known: stop the child now.
if [ "$terminating" = 1 ]; then kill -TERM "$child" 2>/dev/null || true; fi

status=0
wait "$child" || status=$?
if [ "$terminating" = 1 ]; then
    status=0
    wait "$child" || status=$?
fi
exit "$status"
