#!/usr/bin/env bash
# One-time setup of ordersync on Google Cloud; safe to run again (every step checks before it creates).
#
#   PROJECT_ID=my-project deploy/setup.sh
#
# Environment (defaults in brackets):
#   PROJECT_ID   [gcloud's current project]   REGION      [europe-west1]
#   SERVICE      [ordersync]                  REPOSITORY  [ordersync]  (Artifact Registry, Docker)
#   BUCKET       [PROJECT_ID-SERVICE-db]      (Litestream replicas; versioned, uniform access)
#   SECRETS_DIR  [deploy/secrets]  a file per secret, named like the variable (SHOPIFY_ACCESS_TOKEN,
#                ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN, CUSTOMERS_API_KEY, AUTH_TOKEN); a file that
#                differs from the secret's latest version becomes a new version. Values are never printed.
#   DEPLOY       [if-missing]  first deploy through cloudbuild.yaml: if-missing | always | never
#   SHOPIFY_SHOP_URL SHOPIFY_API_VERSION ZOHO_API_URL ZOHO_ACCOUNTS_URL ZOHO_CLIENT_ID CUSTOMERS_API_URL
#                connector settings that are not secret, passed to the deploy (empty: unset)
#
# Does: enable the APIs; create the runtime, scheduler and deployer service accounts; the Artifact
# Registry repository; the bucket; the secrets; the IAM bindings; the first deploy (Cloud Build runs
# cloudbuild.yaml as the deployer account); the Cloud Scheduler job from deploy/scheduler-job.yaml.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PROJECT_ID="${PROJECT_ID:-$(gcloud config get-value project 2>/dev/null || true)}"
[ -n "$PROJECT_ID" ] || { echo "setup: set PROJECT_ID (or gcloud config set project ...)" >&2; exit 1; }
REGION="${REGION:-europe-west1}"
SERVICE="${SERVICE:-ordersync}"
REPOSITORY="${REPOSITORY:-ordersync}"
BUCKET="${BUCKET:-$PROJECT_ID-$SERVICE-db}"
SECRETS_DIR="${SECRETS_DIR:-deploy/secrets}"
DEPLOY="${DEPLOY:-if-missing}"
JOB="$SERVICE-sync"

RUNTIME_SA="$SERVICE-runtime@$PROJECT_ID.iam.gserviceaccount.com"
SCHEDULER_SA="$SERVICE-scheduler@$PROJECT_ID.iam.gserviceaccount.com"
DEPLOYER_SA="$SERVICE-deployer@$PROJECT_ID.iam.gserviceaccount.com"
# Variable name -> Secret Manager secret ID (the IDs deploy/service.yaml mounts).
SECRETS=(SHOPIFY_ACCESS_TOKEN ZOHO_CLIENT_SECRET ZOHO_REFRESH_TOKEN CUSTOMERS_API_KEY AUTH_TOKEN)
secret_id() { printf 'ordersync-%s' "$(printf '%s' "$1" | tr '[:upper:]_' '[:lower:]-')"; }

gc() { gcloud --project="$PROJECT_ID" --quiet "$@"; }
step() { printf '\n== %s\n' "$*"; }

step "APIs"
gc services enable run.googleapis.com cloudbuild.googleapis.com artifactregistry.googleapis.com \
    secretmanager.googleapis.com cloudscheduler.googleapis.com storage.googleapis.com iam.googleapis.com

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

step "bucket gs://$BUCKET"
gc storage buckets describe "gs://$BUCKET" >/dev/null 2>&1 ||
    gc storage buckets create "gs://$BUCKET" --location="$REGION" --uniform-bucket-level-access
# Versioning keeps any overwritten or deleted replica file for 30 days: a second line of defence for
# hand recovery (deploy/README.md). Litestream prunes its own files by retention.
lifecycle="$(mktemp)"
trap 'rm -f "$lifecycle"' EXIT
cat >"$lifecycle" <<'JSON'
{"rule": [{"action": {"type": "Delete"}, "condition": {"isLive": false, "daysSinceNoncurrentTime": 30}}]}
JSON
gc storage buckets update "gs://$BUCKET" --versioning --uniform-bucket-level-access \
    --public-access-prevention --lifecycle-file="$lifecycle"
gc storage buckets add-iam-policy-binding "gs://$BUCKET" \
    --member="serviceAccount:$RUNTIME_SA" --role=roles/storage.objectAdmin >/dev/null

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
    *) echo "setup: DEPLOY must be if-missing, always or never" >&2; exit 1 ;;
esac
if [ "$deploy_now" = 1 ]; then
    step "deploy through cloudbuild.yaml"
    tag="$(git rev-parse --short HEAD 2>/dev/null || date -u +setup%Y%m%d%H%M%S)"
    substitutions="_TAG=$tag,_PROJECT_ID=$PROJECT_ID,_REGION=$REGION,_SERVICE=$SERVICE,_REPOSITORY=$REPOSITORY"
    substitutions="$substitutions,_BUCKET=$BUCKET,_RUNTIME_SA=$RUNTIME_SA,_BUILD_SA=$SERVICE-deployer"
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
    flags="$(mktemp)"
    trap 'rm -f "$lifecycle" "$flags"' EXIT
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
