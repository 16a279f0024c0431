#!/usr/bin/env bash
# One-time setup of ordersync on Google Cloud; safe to run again (every step checks before it creates).
#
#   PROJECT_ID=my-project deploy/setup.sh [--variant sqlite|cloudsql]
#
# Two variants (deploy/README.md): sqlite = one instance, SQLite in memory, a Litestream sidecar replicating
# to Cloud Storage (deploy/service.yaml); cloudsql = several instances sharing a Cloud SQL for PostgreSQL
# database (deploy/service-cloudsql.yaml). The variant comes from --variant, else VARIANT, else a question
# when stdin is a terminal, else sqlite.
#
# Environment (defaults in brackets):
#   PROJECT_ID   [gcloud's current project]   REGION      [europe-west1]
#   SERVICE      [ordersync]                  REPOSITORY  [ordersync]  (Artifact Registry, Docker)
#   VARIANT      [asked; sqlite when not on a terminal]  sqlite | cloudsql
#   BUCKET       [PROJECT_ID-SERVICE-db]      (sqlite: Litestream replicas; versioned, uniform access)
#   SECRETS_DIR  [deploy/secrets]  a file per secret, named like the variable (SHOPIFY_ACCESS_TOKEN,
#                ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN, CUSTOMERS_API_KEY, AUTH_TOKEN); a file that
#                differs from the secret's latest version becomes a new version. Values are never printed.
#   DEPLOY       [if-missing]  first deploy through cloudbuild.yaml: if-missing | always | never
#   ALLOW_VARIANT_SWITCH [empty]  yes: let the deploy replace a service of the other variant (its data stays
#                behind; deploy/README.md)
#   SHOPIFY_SHOP_URL SHOPIFY_API_VERSION ZOHO_API_URL ZOHO_ACCOUNTS_URL ZOHO_CLIENT_ID CUSTOMERS_API_URL
#                connector settings that are not secret, passed to the deploy (empty: unset)
# cloudsql only (an existing instance is used as it is; these apply when it is created):
#   SQL_INSTANCE [SERVICE-pg]  SQL_DATABASE [ordersync]  SQL_USER [ordersync]
#   SQL_VERSION  [POSTGRES_16]  SQL_EDITION [enterprise]  SQL_CPU [1]  SQL_MEMORY [3840MiB]
#   SQL_TIER     [empty]  a machine tier instead of SQL_CPU/SQL_MEMORY (required by enterprise-plus)
#   SQL_AVAILABILITY [regional]  regional (HA: a standby in a second zone) | zonal
#   SQL_BACKUP_START [03:00]  daily backup start, UTC; point-in-time recovery is enabled
#
# Does: enable the APIs; create the runtime, scheduler and deployer service accounts; the Artifact
# Registry repository; the secrets; the IAM bindings; then
#   sqlite:   the bucket;
#   cloudsql: the Cloud SQL instance, database and user (a generated password), the secret
#             ordersync-database-url holding the URL, roles/cloudsql.client for the runtime account;
# the first deploy (Cloud Build runs cloudbuild.yaml as the deployer account) and the Cloud Scheduler job
# from deploy/scheduler-job.yaml (on Cloud SQL one sync runs at a time across instances: 409 for another).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fail() { echo "setup: $*" >&2; exit 1; }
while [ "$#" -gt 0 ]; do
    case "$1" in
        --variant) [ "$#" -ge 2 ] || fail "--variant needs sqlite or cloudsql"; VARIANT="$2"; shift 2 ;;
        --variant=*) VARIANT="${1#--variant=}"; shift ;;
        -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d'; exit 0 ;;
        *) fail "unknown argument $1 (see --help)" ;;
    esac
done
if [ -z "${VARIANT:-}" ]; then
    if [ -t 0 ]; then
        echo "Which deployment?"
        echo "  1) sqlite    one instance; SQLite in memory, replicated to Cloud Storage by Litestream"
        echo "  2) cloudsql  several instances sharing one Cloud SQL for PostgreSQL database"
        read -r -p "variant [1]: " answer
        case "$answer" in
            "" | 1 | sqlite) VARIANT=sqlite ;;
            2 | cloudsql) VARIANT=cloudsql ;;
            *) fail "answer 1 (sqlite) or 2 (cloudsql)" ;;
        esac
    else
        VARIANT=sqlite
        echo "setup: VARIANT not set and no terminal to ask: using sqlite (set VARIANT=cloudsql for Cloud SQL)"
    fi
fi
case "$VARIANT" in
    sqlite | cloudsql) ;;
    *) fail "VARIANT must be sqlite or cloudsql, not \"$VARIANT\"" ;;
esac

PROJECT_ID="${PROJECT_ID:-$(gcloud config get-value project 2>/dev/null || true)}"
[ -n "$PROJECT_ID" ] || fail "set PROJECT_ID (or gcloud config set project ...)"
REGION="${REGION:-europe-west1}"
SERVICE="${SERVICE:-ordersync}"
REPOSITORY="${REPOSITORY:-ordersync}"
BUCKET="${BUCKET:-$PROJECT_ID-$SERVICE-db}"
SECRETS_DIR="${SECRETS_DIR:-deploy/secrets}"
DEPLOY="${DEPLOY:-if-missing}"
JOB="$SERVICE-sync"
SQL_INSTANCE="${SQL_INSTANCE:-$SERVICE-pg}"
SQL_DATABASE="${SQL_DATABASE:-ordersync}"
SQL_USER="${SQL_USER:-ordersync}"
SQL_VERSION="${SQL_VERSION:-POSTGRES_16}"
SQL_EDITION="${SQL_EDITION:-enterprise}"
SQL_CPU="${SQL_CPU:-1}"
SQL_MEMORY="${SQL_MEMORY:-3840MiB}"
SQL_TIER="${SQL_TIER:-}"
SQL_AVAILABILITY="${SQL_AVAILABILITY:-regional}"
SQL_BACKUP_START="${SQL_BACKUP_START:-03:00}"
case "$DEPLOY" in
    always | if-missing | never) ;;
    *) fail "DEPLOY must be if-missing, always or never" ;;
esac
case "$SQL_AVAILABILITY" in
    regional | zonal) ;;
    *) fail "SQL_AVAILABILITY must be regional or zonal" ;;
esac
# Names go into a URL and gcloud flags unquoted: keep them to PostgreSQL's plain identifiers.
for name in SQL_DATABASE SQL_USER; do
    [[ "${!name}" =~ ^[a-z_][a-z0-9_]*$ ]] || fail "$name must be lower-case letters, digits and _"
done

RUNTIME_SA="$SERVICE-runtime@$PROJECT_ID.iam.gserviceaccount.com"
SCHEDULER_SA="$SERVICE-scheduler@$PROJECT_ID.iam.gserviceaccount.com"
DEPLOYER_SA="$SERVICE-deployer@$PROJECT_ID.iam.gserviceaccount.com"
# Variable name -> Secret Manager secret ID (the IDs deploy/service.yaml and service-cloudsql.yaml mount).
# These are optional; the Cloud SQL variant's DATABASE_URL (ordersync-database-url) is written below.
SECRETS=(SHOPIFY_ACCESS_TOKEN ZOHO_CLIENT_SECRET ZOHO_REFRESH_TOKEN CUSTOMERS_API_KEY AUTH_TOKEN)
secret_id() { printf 'ordersync-%s' "$(printf '%s' "$1" | tr '[:upper:]_' '[:lower:]-')"; }

gc() { gcloud --project="$PROJECT_ID" --quiet "$@"; }
step() { printf '\n== %s\n' "$*"; }
# Temporary files (a lifecycle rule, the password flags file, the scheduler flags), removed on exit.
temporary=()
trap 'rm -f -- "${temporary[@]}"' EXIT
new_temporary() { temporary+=("$(mktemp)"); }

echo "setup: variant $VARIANT, project $PROJECT_ID, region $REGION, service $SERVICE"
step "APIs"
apis=(run.googleapis.com cloudbuild.googleapis.com artifactregistry.googleapis.com secretmanager.googleapis.com
    cloudscheduler.googleapis.com storage.googleapis.com iam.googleapis.com)
# Cloud Run's Cloud SQL connection goes through the Cloud SQL Admin API.
[ "$VARIANT" = sqlite ] || apis+=(sqladmin.googleapis.com)
gc services enable "${apis[@]}"

step "service accounts"
for account in runtime scheduler deployer; do
    email="$SERVICE-$account@$PROJECT_ID.iam.gserviceaccount.com"
    gc iam service-accounts describe "$email" >/dev/null 2>&1 ||
        gc iam service-accounts create "$SERVICE-$account" --display-name="ordersync $account"
done

step "Artifact Registry repository $REPOSITORY"
gc artifacts repositories describe "$REPOSITORY" --location="$REGION" >/dev/null 2>&1 ||
    gc artifacts repositories create "$REPOSITORY" --location="$REGION" --repository-format=docker \
        --description="ordersync images"

if [ "$VARIANT" = sqlite ]; then
    step "bucket gs://$BUCKET"
    gc storage buckets describe "gs://$BUCKET" >/dev/null 2>&1 ||
        gc storage buckets create "gs://$BUCKET" --location="$REGION" --uniform-bucket-level-access
    # Versioning keeps any overwritten or deleted replica file for 30 days: a second line of defence for
    # hand recovery (deploy/README.md). Litestream prunes its own files by retention.
    new_temporary
    lifecycle="${temporary[-1]}"
    cat >"$lifecycle" <<'JSON'
{"rule": [{"action": {"type": "Delete"}, "condition": {"isLive": false, "daysSinceNoncurrentTime": 30}}]}
JSON
    gc storage buckets update "gs://$BUCKET" --versioning --uniform-bucket-level-access \
        --public-access-prevention --lifecycle-file="$lifecycle"
    gc storage buckets add-iam-policy-binding "gs://$BUCKET" \
        --member="serviceAccount:$RUNTIME_SA" --role=roles/storage.objectAdmin >/dev/null
fi

step "secrets"
for name in "${SECRETS[@]}"; do
    id="$(secret_id "$name")"
    gc secrets describe "$id" >/dev/null 2>&1 ||
        gc secrets create "$id" --replication-policy=automatic
    file="$SECRETS_DIR/$name"
    if [ -f "$file" ]; then
        # Compare digests, so the value never reaches the terminal or a log.
        new="$(sha256sum <"$file" | cut -d' ' -f1)"
        old="$(gc secrets versions access latest --secret="$id" 2>/dev/null | sha256sum | cut -d' ' -f1 || true)"
        if [ "$new" != "$old" ]; then
            gc secrets versions add "$id" --data-file="$file" >/dev/null
            echo "$id: new version from $file"
        else
            echo "$id: unchanged"
        fi
    elif [ -z "$(gc secrets versions list "$id" --filter=state=ENABLED --limit=1 --format='value(name)')" ]; then
        echo "$id: no version yet (not mounted until one is added)"
    fi
    gc secrets add-iam-policy-binding "$id" \
        --member="serviceAccount:$RUNTIME_SA" --role=roles/secretmanager.secretAccessor >/dev/null
done

password_changed=0
if [ "$VARIANT" = cloudsql ]; then
    step "Cloud SQL instance $SQL_INSTANCE"
    if gc sql instances describe "$SQL_INSTANCE" >/dev/null 2>&1; then
        echo "$SQL_INSTANCE: exists; used as it is"
    else
        machine=(--cpu="$SQL_CPU" --memory="$SQL_MEMORY")
        [ -z "$SQL_TIER" ] || machine=(--tier="$SQL_TIER")
        echo "$SQL_INSTANCE: creating ($SQL_VERSION, $SQL_EDITION, $SQL_AVAILABILITY; this takes several minutes)"
        # Automated daily backups with point-in-time recovery (write-ahead logs), and no deletion by mistake.
        gc sql instances create "$SQL_INSTANCE" --database-version="$SQL_VERSION" --edition="$SQL_EDITION" \
            "${machine[@]}" --region="$REGION" --availability-type="$SQL_AVAILABILITY" \
            --backup-start-time="$SQL_BACKUP_START" --enable-point-in-time-recovery --deletion-protection
    fi
    availability="$(gc sql instances describe "$SQL_INSTANCE" --format='value(settings.availabilityType)')"
    if [ "$availability" != "$(printf '%s' "$SQL_AVAILABILITY" | tr '[:lower:]' '[:upper:]')" ]; then
        echo "note: $SQL_INSTANCE is $availability, not $SQL_AVAILABILITY; left as it is (changing it restarts" \
            "the instance: gcloud sql instances patch $SQL_INSTANCE --availability-type=$SQL_AVAILABILITY)"
    fi
    connection="$(gc sql instances describe "$SQL_INSTANCE" --format='value(connectionName)')"
    [ -n "$connection" ] || fail "no connection name for Cloud SQL instance $SQL_INSTANCE"
    echo "connection name: $connection"

    step "database $SQL_DATABASE and user $SQL_USER"
    gc sql databases describe "$SQL_DATABASE" --instance="$SQL_INSTANCE" >/dev/null 2>&1 ||
        gc sql databases create "$SQL_DATABASE" --instance="$SQL_INSTANCE"
    db_secret="$(secret_id DATABASE_URL)"
    gc secrets describe "$db_secret" >/dev/null 2>&1 ||
        gc secrets create "$db_secret" --replication-policy=automatic
    # The URL libpq gets: the user's password, the database, and Cloud Run's unix socket for the instance.
    url_with() { printf 'postgresql://%s:%s@/%s?host=/cloudsql/%s' "$SQL_USER" "$1" "$SQL_DATABASE" "$connection"; }
    stored="$(gc secrets versions access latest --secret="$db_secret" 2>/dev/null || true)"
    hidden="$(printf '%s' "$stored" | sed 's|^\(postgresql://[^:/@]*:\)[^@]*@|\1-@|')"
    if [ -n "$stored" ] && [ "$hidden" = "$(url_with -)" ]; then
        # The secret names this user, database and instance: keep its password, and set it on the user
        # again (the same password: nothing changes unless an earlier run stopped half-way).
        password="$(printf '%s' "$stored" | sed 's|^postgresql://[^:/@]*:\([^@]*\)@.*|\1|')"
        echo "$db_secret: kept"
    else
        # A new password (letters and digits only: nothing to escape in the URL), stored before it is set,
        # so that a run that stops in between is completed by the next one.
        password="$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
        password="${password:0:32}"
        [ "${#password}" -ge 24 ] || fail "could not generate a password"
        url_with "$password" | gc secrets versions add "$db_secret" --data-file=- >/dev/null
        echo "$db_secret: new version (a new password for $SQL_USER; the value is not shown)"
        password_changed=1
    fi
    # The password goes to gcloud in a file (mode 600), not on the command line where ps would show it.
    new_temporary
    password_flags="${temporary[-1]}"
    printf -- '--password: "%s"\n' "$password" >"$password_flags"
    if [ -n "$(gc sql users list --instance="$SQL_INSTANCE" --filter="name=$SQL_USER" --format='value(name)')" ]; then
        gc sql users set-password "$SQL_USER" --instance="$SQL_INSTANCE" --flags-file="$password_flags" >/dev/null
        echo "user $SQL_USER: password set from $db_secret"
    else
        gc sql users create "$SQL_USER" --instance="$SQL_INSTANCE" --flags-file="$password_flags" >/dev/null
        echo "user $SQL_USER: created"
    fi
    rm -f -- "$password_flags"
    unset password stored

    step "runtime rights on Cloud SQL and the database URL"
    gc projects add-iam-policy-binding "$PROJECT_ID" --condition=None \
        --member="serviceAccount:$RUNTIME_SA" --role=roles/cloudsql.client >/dev/null
    gc secrets add-iam-policy-binding "$db_secret" \
        --member="serviceAccount:$RUNTIME_SA" --role=roles/secretmanager.secretAccessor >/dev/null
fi

step "deployer rights (Cloud Build runs cloudbuild.yaml as $DEPLOYER_SA)"
for role in roles/run.developer roles/logging.logWriter roles/secretmanager.viewer; do
    gc projects add-iam-policy-binding "$PROJECT_ID" --condition=None \
        --member="serviceAccount:$DEPLOYER_SA" --role="$role" >/dev/null
done
# Deploying a revision that runs as the runtime account needs "act as" on that account only.
gc iam service-accounts add-iam-policy-binding "$RUNTIME_SA" \
    --member="serviceAccount:$DEPLOYER_SA" --role=roles/iam.serviceAccountUser >/dev/null
gc artifacts repositories add-iam-policy-binding "$REPOSITORY" --location="$REGION" \
    --member="serviceAccount:$DEPLOYER_SA" --role=roles/artifactregistry.writer >/dev/null
# `gcloud builds submit` uploads the source to this bucket; the build reads it back as the deployer.
source_bucket="${PROJECT_ID}_cloudbuild"
gc storage buckets describe "gs://$source_bucket" >/dev/null 2>&1 ||
    gc storage buckets create "gs://$source_bucket" --location="$REGION" --uniform-bucket-level-access
gc storage buckets add-iam-policy-binding "gs://$source_bucket" \
    --member="serviceAccount:$DEPLOYER_SA" --role=roles/storage.objectViewer >/dev/null

service_exists() {
    [ -n "$(gc run services list --region="$REGION" --filter="metadata.name=$SERVICE" --format='value(metadata.name)')" ]
}
deploy_now=0
case "$DEPLOY" in
    always) deploy_now=1 ;;
    if-missing) service_exists || deploy_now=1 ;;
    never) ;;
esac
if [ "$password_changed" = 1 ] && [ "$deploy_now" = 0 ] && service_exists; then
    # Running instances keep the URL they read at start; they would reconnect with the old password.
    if [ "$DEPLOY" = never ]; then
        echo "setup: the database password changed: deploy soon (a build) so that the instances read the" \
            "new URL; until then a lost connection cannot be reopened" >&2
    else
        echo "setup: the database password changed: deploying so that the instances read the new URL"
        deploy_now=1
    fi
fi
if [ "$deploy_now" = 1 ]; then
    step "deploy ($VARIANT) through cloudbuild.yaml"
    tag="$(git rev-parse --short HEAD 2>/dev/null || date -u +setup%Y%m%d%H%M%S)"
    substitutions="_TAG=$tag,_PROJECT_ID=$PROJECT_ID,_REGION=$REGION,_SERVICE=$SERVICE,_REPOSITORY=$REPOSITORY"
    substitutions="$substitutions,_BUCKET=$BUCKET,_RUNTIME_SA=$RUNTIME_SA,_BUILD_SA=$SERVICE-deployer"
    substitutions="$substitutions,_VARIANT=$VARIANT,_ALLOW_VARIANT_SWITCH=${ALLOW_VARIANT_SWITCH:-}"
    [ "$VARIANT" = sqlite ] || substitutions="$substitutions,_CLOUDSQL_INSTANCE=$connection"
    for name in SHOPIFY_SHOP_URL SHOPIFY_API_VERSION ZOHO_API_URL ZOHO_ACCOUNTS_URL ZOHO_CLIENT_ID CUSTOMERS_API_URL; do
        value="${!name:-}"
        case "$value" in *,*) echo "setup: $name may not contain a comma" >&2; exit 1 ;; esac
        substitutions="$substitutions,_$name=$value"
    done
    gc builds submit --region="$REGION" --config=cloudbuild.yaml --substitutions="$substitutions" .
fi

if service_exists; then
    step "scheduler job $JOB"
    gc run services add-iam-policy-binding "$SERVICE" --region="$REGION" \
        --member="serviceAccount:$SCHEDULER_SA" --role=roles/run.invoker >/dev/null
    service_url="$(gc run services describe "$SERVICE" --region="$REGION" --format='value(status.url)')"
    new_temporary
    flags="${temporary[-1]}"
    sed -e "s|\${REGION}|$REGION|g" -e "s|\${SERVICE_URL}|$service_url|g" \
        -e "s|\${SCHEDULER_SA}|$SCHEDULER_SA|g" deploy/scheduler-job.yaml >"$flags"
    if gc scheduler jobs describe "$JOB" --location="$REGION" >/dev/null 2>&1; then
        gc scheduler jobs update http "$JOB" --flags-file="$flags"
    else
        gc scheduler jobs create http "$JOB" --flags-file="$flags"
    fi
    echo "service: $service_url (IAM only: roles/run.invoker; see deploy/README.md)"
else
    echo "setup: service $SERVICE is not deployed yet (DEPLOY=$DEPLOY); the scheduler job comes after it" >&2
fi
