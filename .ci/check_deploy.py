#!/usr/bin/env python3
"""Check the fields the deploy files must carry (run by .ci/check-deploy).

    python3 .ci/check_deploy.py [--root DIR] [--no-gcloud]

Reads deploy/service.yaml (SQLite + Litestream), deploy/service-cloudsql.yaml (Cloud SQL),
deploy/litestream.yml, deploy/scheduler-job.yaml, deploy/litestream-run.sh, deploy/litestream.Dockerfile,
deploy/setup.sh, cloudbuild.yaml, the Dockerfile, Package.swift and scripts/build-release under DIR
(default: the repository), prints every broken rule and exits 1 if there is one. It also renders both
variants with deploy/render-service --offline, runs its variant-switch guard against a fake gcloud, and,
when the Google Cloud SDK is installed, parses the results with
gcloud's own Cloud Run (v1) message parser and the scheduler flags file with gcloud's flag parser (no
credentials needed: a parse error comes before any API call), and runs deploy/litestream-run.sh against a
fake `litestream` to check the restore order, the revision guard and the SIGTERM hand-over.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import yaml

# The secrets ordersync reads as NAME_FILE (docs/contract.md §5, plus AUTH_TOKEN).
SECRET_VARIABLES = {"SHOPIFY_ACCESS_TOKEN", "ZOHO_CLIENT_SECRET", "ZOHO_REFRESH_TOKEN", "CUSTOMERS_API_KEY",
                    "AUTH_TOKEN"}
GCLOUD_ROOT = "/usr/lib/google-cloud-sdk"
SIDECAR_ENTRYPOINT = "/usr/local/bin/litestream-run"
SIDECAR_CONFIG = "/etc/litestream.yml"
MIN_ATTEMPT_DEADLINE_SECONDS = 180
SERVING_PORT = 8080
# The Cloud SQL variant: the secret with the database URL and the annotation of Cloud Run's built-in Cloud SQL
# connection.
DATABASE_URL_SECRET = "ordersync-database-url"
CLOUDSQL_ANNOTATION = "run.googleapis.com/cloudsql-instances"
# Environment variables the two templates may set differently (each engine's own database settings).
ENGINE_VARIABLES = {"DB_PATH", "DATABASE_URL_FILE"}
# What ordersync's container must hold (README.md, "Memory"): a baseline (SQLite's caches, answers being
# written), the request memory budget REQUEST_MEMORY_MB, and per open connection (at most containerConcurrency
# behind Cloud Run) its thread, buffers and the part of a request never refused; on the SQLite variant also the
# in-memory database volume, whose pages ordersync writes are charged to its container.
MEMORY_BASELINE_MIB = 128
MEMORY_PER_CONNECTION_MIB = 0.4
# The Debian package a -dev package's shared library comes in, for the Dockerfile's runtime stage.
RUNTIME_PACKAGES = {"libsqlite3-dev": "libsqlite3-0", "zlib1g-dev": "zlib1g", "libpq-dev": "libpq5"}

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def load(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return yaml.safe_load(f)


def read(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return f.read()


def env_of(container):
    return {e.get("name"): e.get("value") for e in container.get("env") or []}


def mebibytes(quantity):
    match = re.fullmatch(r"(\d+)(Mi|Gi)", str(quantity))
    if not match:
        return None
    return int(match.group(1)) * (1024 if match.group(2) == "Gi" else 1)


def seconds(duration):
    match = re.fullmatch(r"(\d+)s", str(duration))
    return int(match.group(1)) if match else None


def http_path(probe):
    return ((probe or {}).get("httpGet") or {}).get("path")


def check_secrets(label, text, app, volumes, app_mounts, setup, required_secrets=None):
    """Secrets: Secret Manager volumes, mounted by ordersync, each named by a NAME_FILE variable.

    required_secrets maps a variable (DATABASE_URL) to the secret that must always be mounted for it:
    outside the `# begin secret` blocks render-service drops, and not one of setup.sh's SECRETS."""
    required_secrets = required_secrets or {}
    app_env = env_of(app)
    secret_volumes = {name: v["secret"] for name, v in volumes.items() if v.get("secret")}
    file_vars = {k: v for k, v in app_env.items() if k and k.endswith("_FILE")}
    check({k[: -len("_FILE")] for k in file_vars} <= SECRET_VARIABLES | set(required_secrets),
          f"{label}: a *_FILE variable names no known secret")
    for variable in SECRET_VARIABLES | set(required_secrets):
        check(variable not in app_env, f"{label}: {variable} must come from a file ({variable}_FILE), not env")
    for entry in app.get("env") or []:
        check("valueFrom" not in entry, f"{label}: {entry.get('name')} uses valueFrom; mount secrets as files")
    mounted = {}
    for path, volume_name in app_mounts.items():
        if volume_name in secret_volumes:
            mounted[volume_name] = path
    for volume_name, secret in secret_volumes.items():
        items = secret.get("items") or []
        check(len(items) == 1 and items[0].get("key") == "latest" and items[0].get("path"),
              f"{label}: secret volume {volume_name} must expose version latest as one file")
        check(volume_name in mounted, f"{label}: secret volume {volume_name} is not mounted by ordersync")
        if items and volume_name in mounted:
            expected_file = f"{mounted[volume_name]}/{items[0].get('path')}"
            check(expected_file in file_vars.values(),
                  f"{label}: no *_FILE variable points at {expected_file} ({volume_name})")
    secret_files = {f"{path}/{secret_volumes[v]['items'][0]['path']}": secret_volumes[v].get("secretName")
                    for v, path in mounted.items() if (secret_volumes[v].get("items") or [{}])[0].get("path")}
    for variable, value in file_vars.items():
        check(value in secret_files, f"{label}: {variable}={value} is not a mounted secret file")

    # Secret blocks: render-service drops them by these markers, so each must be whole.
    begins = re.findall(r"^ *# begin secret (\S+)$", text, re.M)
    ends = re.findall(r"^ *# end secret (\S+)$", text, re.M)
    check(begins == ends, f"{label}: `# begin secret` / `# end secret` markers do not pair up")
    for secret in set(begins):
        check(begins.count(secret) == 3,
              f"{label}: secret {secret} needs three marked blocks (env, mount, volume)")
        check(any(s.get("secretName") == secret for s in secret_volumes.values()),
              f"{label}: marked secret {secret} has no volume with that secretName")
    # A required secret: its variable names a file of that secret, and no marker block holds it.
    for variable, secret_id in required_secrets.items():
        check(secret_files.get(file_vars.get(f"{variable}_FILE")) == secret_id,
              f"{label}: {variable}_FILE must name the mounted file of secret {secret_id}")
        check(secret_id not in begins, f"{label}: secret {secret_id} is required: it must never be dropped, "
                                       "so no `# begin secret` block may hold it")
        inside = None
        for line in text.splitlines():
            marker = re.match(r"^ *# (begin|end) secret (\S+)$", line)
            if marker:
                inside = marker.group(2) if marker.group(1) == "begin" else None
            elif inside and (f"secretName: {secret_id}" in line or f"{variable}_FILE" in line):
                check(False, f"{label}: {variable} sits inside the `# begin secret {inside}` block; "
                             "it must never be dropped")
    setup_secrets = re.search(r"^SECRETS=\(([^)]*)\)", setup, re.M)
    check(setup_secrets is not None and set(setup_secrets.group(1).split()) ==
          {k[: -len("_FILE")] for k in file_vars} - set(required_secrets),
          f"setup.sh: SECRETS must list exactly the optional secrets {label} mounts")
    return set(begins)


def check_memory(label, app, concurrency, volume_mib=0):
    """REQUEST_MEMORY_MB is set, fits a largest body with its orders, and with the rest fits the container."""
    app_env = env_of(app)
    text = app_env.get("REQUEST_MEMORY_MB")
    budget = int(text) if isinstance(text, str) and text.isdigit() and int(text) > 0 else None
    if not check(budget is not None,
                 f"{label}: REQUEST_MEMORY_MB must be set, a whole number of MiB (the request memory budget)"):
        return
    body = app_env.get("MAX_BODY_BYTES")
    if isinstance(body, str) and body.isdigit():
        check(budget * 2**20 >= 2 * int(body),
              f"{label}: REQUEST_MEMORY_MB ({budget}) must hold twice MAX_BODY_BYTES (a largest JSON body and its "
              "orders), or such a body could never be accepted")
    limit = mebibytes(((app.get("resources") or {}).get("limits") or {}).get("memory"))
    if limit is not None and isinstance(concurrency, int):
        needed = MEMORY_BASELINE_MIB + budget + concurrency * MEMORY_PER_CONNECTION_MIB + volume_mib
        check(limit >= needed,
              f"{label}: ordersync's memory limit ({limit} Mi) is below what it may use: baseline "
              f"{MEMORY_BASELINE_MIB} + REQUEST_MEMORY_MB {budget} + containerConcurrency {concurrency} x "
              f"{MEMORY_PER_CONNECTION_MIB} + database volume {volume_mib} = {needed:.0f} Mi")


def check_service(root, service, litestream_config, run_script, dockerfile, setup):
    check(service.get("apiVersion") == "serving.knative.dev/v1" and service.get("kind") == "Service",
          "service.yaml: not a serving.knative.dev/v1 Service")
    template = (service.get("spec") or {}).get("template") or {}
    annotations = (template.get("metadata") or {}).get("annotations") or {}
    spec = template.get("spec") or {}

    check(annotations.get("autoscaling.knative.dev/minScale") == "1", "service.yaml: minScale must be \"1\"")
    check(annotations.get("autoscaling.knative.dev/maxScale") == "1",
          "service.yaml: maxScale must be \"1\" (SQLite has one writer)")
    check(annotations.get("run.googleapis.com/execution-environment") == "gen2",
          "service.yaml: execution environment must be gen2")
    check(annotations.get("run.googleapis.com/cpu-throttling") == "false",
          "service.yaml: cpu-throttling must be \"false\" (Litestream replicates between requests)")
    try:
        dependencies = json.loads(annotations.get("run.googleapis.com/container-dependencies", ""))
    except ValueError:
        dependencies = None
    check(dependencies == {"ordersync": ["litestream"]},
          "service.yaml: container-dependencies must make ordersync wait for litestream")
    check(isinstance(spec.get("containerConcurrency"), int), "service.yaml: containerConcurrency missing")
    timeout = spec.get("timeoutSeconds")
    check(isinstance(timeout, int), "service.yaml: timeoutSeconds missing")

    containers = {c.get("name"): c for c in spec.get("containers") or []}
    app, sidecar = containers.get("ordersync"), containers.get("litestream")
    if not check(app is not None and sidecar is not None,
                 "service.yaml: containers `ordersync` and `litestream` are both required"):
        return timeout
    for name, container in containers.items():
        limits = (container.get("resources") or {}).get("limits") or {}
        check("cpu" in limits and "memory" in limits, f"service.yaml: {name} needs cpu and memory limits")
    check(app.get("image") == "${IMAGE}" and sidecar.get("image") == "${LITESTREAM_IMAGE}",
          "service.yaml: the images must be ${IMAGE} and ${LITESTREAM_IMAGE} (render-service, cloudbuild.yaml)")

    # Probes: alive on /healthz, ready on /readyz, on the serving port.
    port = ((app.get("ports") or [{}])[0]).get("containerPort")
    check(port == SERVING_PORT, f"service.yaml: ordersync must serve on containerPort {SERVING_PORT}")
    check(http_path(app.get("startupProbe")) == "/healthz", "service.yaml: ordersync startupProbe must GET /healthz")
    check(http_path(app.get("livenessProbe")) == "/healthz",
          "service.yaml: ordersync livenessProbe must GET /healthz")
    check(http_path(app.get("readinessProbe")) == "/readyz",
          "service.yaml: ordersync readinessProbe must GET /readyz")
    for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
        probe_port = ((app.get(kind) or {}).get("httpGet") or {}).get("port")
        check(probe_port == port, f"service.yaml: ordersync {kind} must probe port {port}")
    if app.get("readinessProbe"):
        launch_stage = ((service.get("metadata") or {}).get("annotations") or {}).get("run.googleapis.com/launch-stage")
        check(launch_stage in ("BETA", "ALPHA"), "service.yaml: readiness probes (Preview) need launch-stage BETA")

    # The database: one path everywhere, on the in-memory volume both containers mount.
    app_env, sidecar_env = env_of(app), env_of(sidecar)
    # Cloud Run sends requests to 0.0.0.0:$PORT, all of them from its front end's addresses: ordersync
    # listens on every interface (HOST unset, its default) and caps no client (a per-client cap would cap
    # the front end). service-cloudsql.yaml's env must equal this one (check_cloudsql_service).
    check(app_env.get("HOST") in (None, "0.0.0.0"), "service.yaml: ordersync must listen on 0.0.0.0 (leave HOST unset)")
    check(app_env.get("MAX_CONNECTIONS_PER_CLIENT") in (None, "0"),
          "service.yaml: no MAX_CONNECTIONS_PER_CLIENT: behind Cloud Run every client has the front end's address")
    for variable in ("HOST", "MAX_CONNECTIONS_PER_CLIENT"):
        check(re.search(rf"^\s*ENV\b[^\n]*\b{variable}=", read(root, "Dockerfile"), re.M) is None,
              f"Dockerfile: no ENV {variable} (the image listens on 0.0.0.0 and caps no client by default)")
    db_path = app_env.get("DB_PATH")
    dbs = (litestream_config or {}).get("dbs") or [{}]
    check(db_path is not None and db_path.startswith("/"), "service.yaml: ordersync DB_PATH must be absolute")
    check(sidecar_env.get("DB_PATH") == db_path, "service.yaml: litestream DB_PATH differs from ordersync DB_PATH")
    check(len(dbs) == 1 and dbs[0].get("path") == db_path,
          f"litestream.yml: dbs[0].path must equal DB_PATH ({db_path})")
    volumes = {v.get("name"): v for v in spec.get("volumes") or []}
    db_dir = os.path.dirname(db_path or "")
    mounts = {}
    for name, container in containers.items():
        mounts[name] = {m.get("mountPath"): m.get("name") for m in container.get("volumeMounts") or []}
    data_volume = mounts["ordersync"].get(db_dir)
    check(data_volume is not None and mounts["litestream"].get(db_dir) == data_volume,
          f"service.yaml: both containers must mount one volume at {db_dir}")
    volume = volumes.get(data_volume) or {}
    empty_dir = volume.get("emptyDir") or {}
    check(empty_dir.get("medium") == "Memory" and not volume.get("csi"),
          "service.yaml: the database volume must be an in-memory emptyDir (never Cloud Storage FUSE)")
    size_limit = mebibytes(empty_dir.get("sizeLimit"))
    sidecar_memory = mebibytes(((sidecar.get("resources") or {}).get("limits") or {}).get("memory"))
    check(size_limit is not None, "service.yaml: the database volume needs a sizeLimit")
    if size_limit and sidecar_memory:
        check(sidecar_memory > size_limit,
              "service.yaml: litestream's memory must exceed the volume sizeLimit (the restore is charged to it)")
    check_memory("service.yaml", app, spec.get("containerConcurrency"), size_limit or 0)
    for name, v in volumes.items():
        check(not (v.get("csi") and (mounts["ordersync"].get(db_dir) == name)),
              "service.yaml: the database directory must not be a Cloud Storage FUSE mount")

    check_secrets("service.yaml", read(root, "deploy/service.yaml"), app, volumes, mounts["ordersync"], setup)

    # The sidecar: restore first, then replicate; ordersync waits for its startup probe.
    check(sidecar.get("command") == [SIDECAR_ENTRYPOINT], f"service.yaml: litestream must run {SIDECAR_ENTRYPOINT}")
    check(f"COPY litestream-run.sh {SIDECAR_ENTRYPOINT}" in dockerfile,
          "litestream.Dockerfile: must install litestream-run.sh as the entry point")
    check(f"COPY litestream.yml {SIDECAR_CONFIG}" in dockerfile,
          f"litestream.Dockerfile: must install litestream.yml at {SIDECAR_CONFIG}")
    restore_lines = [i for i, line in enumerate(run_script.splitlines()) if re.search(r'"\$litestream" restore ', line)]
    replicate_lines = [i for i, line in enumerate(run_script.splitlines())
                       if re.search(r'"\$litestream" replicate ', line)]
    check(restore_lines and replicate_lines and max(restore_lines) < min(replicate_lines),
          "litestream-run.sh: every restore must come before replicate")
    startup = sidecar.get("startupProbe") or {}
    probe_port = (startup.get("tcpSocket") or startup.get("httpGet") or {}).get("port")
    addr = str((litestream_config or {}).get("addr", ""))
    check(probe_port is not None and addr.endswith(f":{probe_port}"),
          "service.yaml: the litestream startupProbe must probe Litestream's addr port (litestream.yml)")
    check(sidecar_env.get("LITESTREAM_BUCKET") == "${BUCKET}", "service.yaml: litestream LITESTREAM_BUCKET must be ${BUCKET}")
    check(sidecar_env.get("EXPECTED_REVISION") == "${REVISION}" and
          ((template.get("metadata") or {}).get("name") == "${REVISION}"),
          "service.yaml: the revision name and EXPECTED_REVISION must both be ${REVISION}")
    check(sidecar_env.get("PREVIOUS_REVISION") == "${PREVIOUS_REVISION}",
          "service.yaml: litestream PREVIOUS_REVISION must be ${PREVIOUS_REVISION}")
    return timeout


def check_cloudsql_service(root, service, sqlite_service, setup):
    """deploy/service-cloudsql.yaml: one container, several instances, the database through Cloud SQL."""
    label = "service-cloudsql.yaml"
    check(service.get("apiVersion") == "serving.knative.dev/v1" and service.get("kind") == "Service",
          f"{label}: not a serving.knative.dev/v1 Service")
    check((service.get("metadata") or {}).get("name") == "${SERVICE}", f"{label}: metadata.name must be ${{SERVICE}}")
    template = (service.get("spec") or {}).get("template") or {}
    annotations = (template.get("metadata") or {}).get("annotations") or {}
    spec = template.get("spec") or {}
    check((template.get("metadata") or {}).get("name") == "${REVISION}",
          f"{label}: the revision name must be ${{REVISION}}")
    check(spec.get("serviceAccountName") == "${RUNTIME_SA}", f"{label}: serviceAccountName must be ${{RUNTIME_SA}}")

    # Several instances share one database.
    def scale(key):
        value = annotations.get(f"autoscaling.knative.dev/{key}")
        return int(value) if isinstance(value, str) and value.isdigit() else None
    min_scale, max_scale = scale("minScale"), scale("maxScale")
    check(min_scale is not None, f"{label}: minScale must be a quoted number")
    check(max_scale is not None and max_scale > 1 and max_scale >= (min_scale or 0),
          f"{label}: maxScale must allow more than one instance (and be at least minScale)")
    check(annotations.get(CLOUDSQL_ANNOTATION) == "${CLOUDSQL_INSTANCE}",
          f"{label}: the {CLOUDSQL_ANNOTATION} annotation must be ${{CLOUDSQL_INSTANCE}} "
          "(Cloud Run's Cloud SQL socket)")
    check("run.googleapis.com/container-dependencies" not in annotations,
          f"{label}: no container-dependencies: there is no sidecar")
    concurrency = spec.get("containerConcurrency")
    check(isinstance(concurrency, int) and 0 < concurrency <= 1000, f"{label}: containerConcurrency missing")
    timeout = spec.get("timeoutSeconds")
    check(isinstance(timeout, int), f"{label}: timeoutSeconds missing")

    containers = {c.get("name"): c for c in spec.get("containers") or []}
    app = containers.get("ordersync")
    if not check(app is not None and list(containers) == ["ordersync"],
                 f"{label}: exactly one container, `ordersync` (no litestream sidecar)"):
        return timeout
    check(app.get("image") == "${IMAGE}", f"{label}: the image must be ${{IMAGE}} (render-service, cloudbuild.yaml)")
    limits = (app.get("resources") or {}).get("limits") or {}
    check("cpu" in limits and "memory" in limits, f"{label}: ordersync needs cpu and memory limits")
    check_memory(label, app, concurrency)
    volumes = {v.get("name"): v for v in spec.get("volumes") or []}
    for name, volume in volumes.items():
        check(not volume.get("emptyDir") and not volume.get("csi"),
              f"{label}: volume {name}: no local or Cloud Storage database on this variant")

    # Probes: started and ready once the database accepts writes; alive while the process answers.
    sqlite_app = next((c for c in (((sqlite_service.get("spec") or {}).get("template") or {}).get("spec") or {})
                       .get("containers") or [] if c.get("name") == "ordersync"), {})
    port = ((app.get("ports") or [{}])[0]).get("containerPort")
    check(port == SERVING_PORT and port == ((sqlite_app.get("ports") or [{}])[0]).get("containerPort"),
          f"{label}: ordersync must serve on containerPort {SERVING_PORT}, like service.yaml")
    check(http_path(app.get("startupProbe")) == "/readyz",
          f"{label}: ordersync startupProbe must GET /readyz (started = the database is reachable)")
    check(http_path(app.get("livenessProbe")) == "/healthz",
          f"{label}: ordersync livenessProbe must GET /healthz (a database outage must not restart instances)")
    check(http_path(app.get("readinessProbe")) == "/readyz", f"{label}: ordersync readinessProbe must GET /readyz")
    for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
        probe_port = ((app.get(kind) or {}).get("httpGet") or {}).get("port")
        check(probe_port == port, f"{label}: ordersync {kind} must probe port {port}")
    startup = app.get("startupProbe") or {}
    window = (startup.get("periodSeconds") or 10) * (startup.get("failureThreshold") or 3)
    check(window <= 240, f"{label}: the startupProbe window ({window} s) exceeds Cloud Run's 240 s")
    if app.get("readinessProbe"):
        launch_stage = ((service.get("metadata") or {}).get("annotations") or {}).get("run.googleapis.com/launch-stage")
        check(launch_stage in ("BETA", "ALPHA"), f"{label}: readiness probes (Preview) need launch-stage BETA")

    # The database: the URL from Secret Manager, and no DB_PATH (ordersync refuses both), neither in the
    # template nor in the image.
    app_env = env_of(app)
    check(not app_env.get("DB_PATH"), f"{label}: no DB_PATH: ordersync refuses it together with DATABASE_URL")
    check(re.search(r"^\s*ENV\b[^\n]*\bDB_PATH=", read(root, "Dockerfile"), re.M) is None,
          "Dockerfile: no ENV DB_PATH: ordersync refuses it together with DATABASE_URL (the Cloud SQL variant)")
    check("DATABASE_URL" not in app_env, f"{label}: DATABASE_URL must come from a secret file, never a value")
    mounts = {m.get("mountPath"): m.get("name") for m in app.get("volumeMounts") or []}
    optional = check_secrets(label, read(root, "deploy/service-cloudsql.yaml"), app, volumes, mounts, setup,
                             required_secrets={"DATABASE_URL": DATABASE_URL_SECRET})
    check(optional == set(re.findall(r"^ *# begin secret (\S+)$", read(root, "deploy/service.yaml"), re.M)),
          f"{label}: the optional secrets must be those of service.yaml (setup.sh creates one set for both)")

    # Everything but the engine's own settings is configured as in service.yaml.
    sqlite_env = env_of(sqlite_app)
    for name in sorted((set(app_env) ^ set(sqlite_env)) - ENGINE_VARIABLES):
        check(False, f"{label}: env differs from service.yaml: {name} is in only one of them")
    for name in sorted((set(app_env) & set(sqlite_env)) - ENGINE_VARIABLES):
        check(app_env[name] == sqlite_env[name], f"{label}: env differs from service.yaml: {name}")
    sqlite_spec = ((sqlite_service.get("spec") or {}).get("template") or {}).get("spec") or {}
    sqlite_timeout = sqlite_spec.get("timeoutSeconds")
    check(timeout == sqlite_timeout, f"{label}: timeoutSeconds must equal service.yaml's (one scheduler job file)")

    # setup.sh provides what the template needs.
    for needed, why in (("apis+=(sqladmin.googleapis.com)", "the Cloud SQL Admin API"),
                        ("--role=roles/cloudsql.client", "the runtime account's Cloud SQL role"),
                        ("secret_id DATABASE_URL", f"the secret {DATABASE_URL_SECRET}"),
                        ("_VARIANT=", "the variant passed to cloudbuild.yaml"),
                        ("_CLOUDSQL_INSTANCE=", "the connection name passed to cloudbuild.yaml")):
        check(needed in setup, f"setup.sh: {why} ({needed}) missing")
    return timeout


def dockerfile_stages(dockerfile):
    """The Debian packages each stage of the Dockerfile installs with apt-get install, by stage name or index."""
    stages, current = [], None
    text = re.sub(r"\\\n", " ", dockerfile)
    for line in text.splitlines():
        start = re.match(r"\s*FROM\s+\S+(?:\s+AS\s+(\S+))?", line, re.I)
        if start:
            current = set()
            stages.append(current)
        elif current is not None and "apt-get install" in line:
            words = line.split("apt-get install", 1)[1].split("&&")[0].split()
            current.update(w for w in words if not w.startswith("-"))
    return stages


def check_packages(root, build, dockerfile):
    """The C libraries Package.swift links: built with their -dev package, run with the runtime one."""
    providers = re.findall(r"\.apt\(\[([^\]]*)\]\)", read(root, "Package.swift"))
    dev_packages = sorted({p.strip().strip('"') for group in providers for p in group.split(",") if p.strip()})
    check(dev_packages, "Package.swift: no .apt([...]) providers found")
    stages = dockerfile_stages(dockerfile)
    if not check(len(stages) >= 2, "Dockerfile: expected a build stage and a runtime stage"):
        return
    build_stage, runtime_stage = stages[0], stages[-1]
    steps = (build or {}).get("steps") or []
    test_step = " ".join(" ".join(str(a) for a in s.get("args") or []) for s in steps if s.get("id") == "test")
    for dev in dev_packages:
        check(dev in build_stage, f"Dockerfile: the build stage must install {dev} (Package.swift links it)")
        check(re.search(rf"\b{re.escape(dev)}\b", test_step) is not None,
              f"cloudbuild.yaml: the test step must install {dev} (Package.swift links it)")
        runtime = RUNTIME_PACKAGES.get(dev)
        if check(runtime is not None,
                 f"check_deploy.py: no runtime package known for {dev}; add it to RUNTIME_PACKAGES"):
            check(runtime in runtime_stage, f"Dockerfile: the runtime stage must install {runtime} (for {dev})")
            build_release = read(root, "scripts/build-release")
            check(runtime in build_release, f"scripts/build-release: its note on runtime libraries must name {runtime}")


def check_litestream(config):
    replica = ((config or {}).get("dbs") or [{}])[0].get("replica") or {}
    check(replica.get("type") == "gs", "litestream.yml: replica type must be `gs` (Litestream's Cloud Storage type)")
    check(replica.get("bucket") == "${LITESTREAM_BUCKET}", "litestream.yml: replica bucket must be ${LITESTREAM_BUCKET}")
    check("${K_REVISION}" in str(replica.get("path", "")),
          "litestream.yml: replica path must contain ${K_REVISION} (one writer per replica path)")
    check(seconds(replica.get("sync-interval")) is not None, "litestream.yml: replica sync-interval missing")
    for old_key in ("retention", "snapshot-interval", "retention-check-interval"):
        check(old_key not in replica, f"litestream.yml: `{old_key}` on a replica is ignored by Litestream 0.5; "
                                      "use the top-level `snapshot:` section")
    snapshot = (config or {}).get("snapshot") or {}
    check("interval" in snapshot and "retention" in snapshot, "litestream.yml: snapshot interval and retention missing")
    check(str((config or {}).get("addr", "")).startswith(":"), "litestream.yml: addr (metrics, probed) missing")


def check_scheduler(flags, service_timeout):
    uri = str(flags.get("--uri", ""))
    check(uri == "${SERVICE_URL}/sync", "scheduler-job.yaml: --uri must be ${SERVICE_URL}/sync")
    check(flags.get("--http-method") in ("GET", "POST"), "scheduler-job.yaml: --http-method must be GET or POST")
    check(bool(flags.get("--oidc-service-account-email")), "scheduler-job.yaml: OIDC service account missing")
    check(flags.get("--oidc-token-audience") == "${SERVICE_URL}",
          "scheduler-job.yaml: --oidc-token-audience must be the service URL")
    check(flags.get("--schedule") == "*/15 * * * *", "scheduler-job.yaml: schedule must be every 15 minutes")
    deadline = seconds(flags.get("--attempt-deadline"))
    check(deadline is not None and deadline >= MIN_ATTEMPT_DEADLINE_SECONDS,
          f"scheduler-job.yaml: --attempt-deadline must be at least {MIN_ATTEMPT_DEADLINE_SECONDS}s")
    if deadline is not None and isinstance(service_timeout, int):
        check(deadline <= service_timeout,
              "scheduler-job.yaml: --attempt-deadline must not exceed the service's timeoutSeconds")
    for flag in ("--max-retry-attempts", "--min-backoff", "--max-backoff"):
        check(flag in flags, f"scheduler-job.yaml: {flag} missing (retryConfig)")
    check(flags.get("--location") == "${REGION}", "scheduler-job.yaml: --location must be ${REGION}")


def check_cloudbuild(build):
    substitutions = (build or {}).get("substitutions") or {}
    for name in ("_PROJECT_ID", "_REGION", "_SERVICE", "_REPOSITORY"):
        check(name in substitutions, f"cloudbuild.yaml: substitution {name} missing")
    check(substitutions.get("_PROJECT_ID") == "${PROJECT_ID}", "cloudbuild.yaml: _PROJECT_ID must default to ${PROJECT_ID}")
    check(substitutions.get("_TAG") in ("${SHORT_SHA}", "${COMMIT_SHA}"),
          "cloudbuild.yaml: images must be tagged by ${SHORT_SHA} or ${COMMIT_SHA} (_TAG)")
    steps = (build or {}).get("steps") or []
    words = [" ".join([str(s.get("entrypoint", ""))] + [str(a) for a in s.get("args") or []]) for s in steps]
    check(any("format lint --strict --recursive Sources Tests" in w for w in words),
          "cloudbuild.yaml: the lint step (swift format lint --strict --recursive Sources Tests) is missing")
    check(any("swift test" in w for w in words), "cloudbuild.yaml: the test step is missing")
    check(any("run services replace" in w for w in words), "cloudbuild.yaml: the deploy must use gcloud run services replace")
    check(any("deploy/render-service" in w for w in words), "cloudbuild.yaml: deploy/service.yaml must be rendered")
    check(sum("push" in w for w in words) >= 2, "cloudbuild.yaml: both images must be pushed before the deploy")
    options = (build or {}).get("options") or {}
    check(options.get("logging") in ("CLOUD_LOGGING_ONLY", "GCS_ONLY", "LEGACY"), "cloudbuild.yaml: options.logging missing")
    for image in (build or {}).get("images") or []:
        check(image.endswith(":${_TAG}"), f"cloudbuild.yaml: image {image} is not tagged ${{_TAG}}")

    # The variant: SQLite by default; render-service gets the variant and what the Cloud SQL one needs.
    check(substitutions.get("_VARIANT") == "sqlite",
          "cloudbuild.yaml: substitution _VARIANT must default to sqlite (the SQLite + Litestream variant)")
    for name in ("_CLOUDSQL_INSTANCE", "_ALLOW_VARIANT_SWITCH"):
        check(substitutions.get(name) == "", f"cloudbuild.yaml: substitution {name} must default to empty")
    render_step = next((s for s in steps if "deploy/render-service" in " ".join(str(a) for a in s.get("args") or [])),
                       {})
    render_env = dict(str(e).split("=", 1) for e in render_step.get("env") or [] if "=" in str(e))
    for variable, value in (("VARIANT", "${_VARIANT}"), ("CLOUDSQL_INSTANCE", "${_CLOUDSQL_INSTANCE}"),
                            ("ALLOW_VARIANT_SWITCH", "${_ALLOW_VARIANT_SWITCH}")):
        check(render_env.get(variable) == value, f"cloudbuild.yaml: the render step must pass {variable}={value}")
    # The image the templates' ${IMAGE} becomes is the one built, pushed and listed.
    built = [str(a)[len("--tag="):] for s in steps if s.get("id") == "build-image" for a in s.get("args") or []
             if str(a).startswith("--tag=")]
    image = render_env.get("IMAGE")
    check(image is not None and built == [image] and image in ((build or {}).get("images") or []),
          "cloudbuild.yaml: the render step's IMAGE must be the image build-image tags and `images` lists")


def render(root, secrets, variant="sqlite", extra_env=None, offline=True):
    env = dict(os.environ, PROJECT_ID="demo-project", REGION="europe-west1", SERVICE="ordersync",
               IMAGE="europe-west1-docker.pkg.dev/demo-project/ordersync/ordersync:abc1234",
               LITESTREAM_IMAGE="europe-west1-docker.pkg.dev/demo-project/ordersync/litestream:abc1234",
               REVISION_SUFFIX="abc1234-0b0e3c2f-9d7a-4f7e-8c41-2f6a1d5e7b90", PREVIOUS_REVISION="ordersync-0000000",
               MOUNT_SECRETS=" ".join(secrets), SHOPIFY_SHOP_URL="https://example.myshopify.com", VARIANT=variant,
               CLOUDSQL_INSTANCE=CLOUDSQL_CONNECTION_NAME)
    env.update(extra_env or {})
    command = [os.path.join(root, "deploy/render-service")] + (["--offline"] if offline else [])
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if offline and not check(result.returncode == 0,
                             f"render-service ({variant}) failed: {result.stderr.strip()[-500:]}"):
        return None
    return result if not offline else result.stdout


CLOUDSQL_CONNECTION_NAME = "demo-project:europe-west1:ordersync-pg"
FAKE_GCLOUD = """#!/bin/sh
# Fake gcloud for render-service's online path: the service exists and runs $FAKE_CONTAINERS.
case "$*" in
    *"run services list"*) echo ordersync ;;
    *"containers"*) echo "$FAKE_CONTAINERS" ;;
    *"latestReadyRevisionName"*) echo ordersync-serving ;;
    *"secrets list"*) ;;
    *) echo "fake gcloud: unexpected $*" >&2; exit 1 ;;
esac
"""


def check_variant_switch(root):
    """Online, render-service refuses to turn a service of one variant into the other without consent."""
    with tempfile.TemporaryDirectory() as work:
        fake = os.path.join(work, "gcloud")
        with open(fake, "w", encoding="utf-8") as f:
            f.write(FAKE_GCLOUD)
        os.chmod(fake, 0o755)
        path = f"{work}:{os.environ.get('PATH', '')}"
        sqlite_now, cloudsql_now = "ordersync;litestream", "ordersync"
        cases = [  # (variant, what runs now, ALLOW_VARIANT_SWITCH, must succeed, words stderr must hold)
            ("cloudsql", sqlite_now, "", False, "runs the sqlite variant"),
            ("cloudsql", sqlite_now, "yes", True, "connects to Cloud SQL instance"),
            ("sqlite", cloudsql_now, "", False, "runs the cloudsql variant"),
            ("sqlite", cloudsql_now, "yes", True, "restores from none"),
            ("sqlite", sqlite_now, "", True, "restores from ordersync-serving"),
            ("cloudsql", cloudsql_now, "", True, "connects to Cloud SQL instance"),
        ]
        for variant, now, allow, succeeds, words in cases:
            env = {"PATH": path, "FAKE_CONTAINERS": now, "ALLOW_VARIANT_SWITCH": allow, "PREVIOUS_REVISION": ""}
            result = render(root, [], variant=variant, extra_env=env, offline=False)
            ok = (result.returncode == 0) == succeeds and words in result.stderr
            check(ok, f"render-service variant switch ({now.replace(';', '+')} -> {variant}, "
                      f"ALLOW_VARIANT_SWITCH={allow or 'unset'}): expected {'success' if succeeds else 'refusal'} "
                      f"saying {words!r}; got {result.returncode}: {result.stderr.strip()[-300:]}")


def gcloud_python():
    for candidate in (f"{GCLOUD_ROOT}/platform/bundledpythonunix/bin/python3", sys.executable):
        if os.path.exists(candidate) and os.path.isdir(f"{GCLOUD_ROOT}/lib/googlecloudsdk"):
            return candidate
    return None


GCLOUD_PARSE = r"""
import sys
sys.path[:0] = [sys.argv[1] + '/lib', sys.argv[1] + '/lib/third_party']
from googlecloudsdk.api_lib.util import apis, messages
from googlecloudsdk.core import yaml
from googlecloudsdk.api_lib.run import service
run = apis.GetMessagesModule('run', 'v1')
for path in sys.argv[2:]:
    raw = messages.DictToMessageWithErrorCheck(yaml.load_path(path), run.Service)
    service.Service(raw, run)
"""


def check_with_gcloud(rendered_files, scheduler_text):
    python = gcloud_python()
    if python is None or shutil.which("gcloud") is None:
        print("check-deploy: Google Cloud SDK not found; skipped gcloud's own parsers")
        return
    result = subprocess.run([python, "-c", GCLOUD_PARSE, GCLOUD_ROOT, *rendered_files], capture_output=True, text=True)
    check(result.returncode == 0,
          "gcloud rejects the rendered service (service.yaml or service-cloudsql.yaml): "
          + (result.stderr.strip().splitlines() or [""])[-1][-600:])
    flags = scheduler_text.replace("${REGION}", "europe-west1").replace(
        "${SERVICE_URL}", "https://ordersync-demo-ew.a.run.app").replace(
        "${SCHEDULER_SA}", "ordersync-scheduler@demo-project.iam.gserviceaccount.com")
    with tempfile.TemporaryDirectory() as config_dir:
        flags_file = os.path.join(config_dir, "flags.yaml")
        with open(flags_file, "w", encoding="utf-8") as f:
            f.write(flags)
        for verb in ("create", "update"):
            # Without credentials gcloud stops at "no active account" once the flags parsed.
            result = subprocess.run(["gcloud", "scheduler", "jobs", verb, "http", "ordersync-sync",
                                     f"--flags-file={flags_file}", "--project=demo-project", "--quiet"],
                                    env=dict(os.environ, CLOUDSDK_CONFIG=config_dir), capture_output=True, text=True,
                                    stdin=subprocess.DEVNULL, timeout=120)
            output = result.stdout + result.stderr
            check("unrecognized arguments" not in output and "argument --" not in output,
                  f"gcloud scheduler jobs {verb} http rejects scheduler-job.yaml: {output.strip()[:300]}")
    print("check-deploy: gcloud parsed the rendered service and the scheduler flags")


FAKE_LITESTREAM = """#!/bin/sh
# Fake litestream: logs its arguments; `restore -o OUT URL` creates OUT when URL is in $PRESENT.
# replicate's trap is set before it logs, since the check sends SIGTERM as soon as the log says replicate.
if [ "$1" = replicate ]; then trap 'echo TERM >> "$LOG"; exit 0' TERM; fi
echo "$*" >> "$LOG"
if [ "$1" = restore ]; then
    out=""; url=""; strict=1
    while [ "$#" -gt 0 ]; do
        case "$1" in -o) out="$2"; shift ;; -if-replica-exists) strict=0 ;; gs://*) url="$1" ;; esac
        shift
    done
    case " $PRESENT " in *" $url "*) echo restored > "$out"; exit 0 ;; esac
    [ "$strict" = 0 ] && exit 0
    echo "no matching backups found" >&2; exit 1
fi
if [ "$1" = replicate ]; then
    while :; do sleep 0.1; done
fi
"""


def check_sidecar_script(root):
    # The image runs it with BusyBox ash; CI has dash as /bin/sh. SIDECAR_SHELL="busybox sh" tries ash.
    shell = os.environ.get("SIDECAR_SHELL", "/bin/sh").split()
    script = os.path.join(root, "deploy/litestream-run.sh")
    with tempfile.TemporaryDirectory() as work:
        fake = os.path.join(work, "litestream")
        with open(fake, "w", encoding="utf-8") as f:
            f.write(FAKE_LITESTREAM)
        os.chmod(fake, 0o755)

        def run(case, revision="ordersync-b", previous="ordersync-a", present=()):
            directory = os.path.join(work, case)
            os.makedirs(directory)
            log = os.path.join(directory, "log")
            env = dict(os.environ, DB_PATH=os.path.join(directory, "data", "ordersync.db"), LITESTREAM_BUCKET="bkt",
                       REPLICA_ROOT="ordersync", K_REVISION=revision, EXPECTED_REVISION="ordersync-b",
                       PREVIOUS_REVISION=previous, DB_OWNER=f"{os.getuid()}:{os.getgid()}", DRAIN_SECONDS="0",
                       LITESTREAM_BIN=fake, LOG=log, PRESENT=" ".join(present))
            process = subprocess.Popen([*shell, script], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       text=True, start_new_session=True)
            # Wait until replicate runs (or the script ended), then stop it as Cloud Run does.
            for _ in range(200):
                if process.poll() is not None:
                    break
                if os.path.exists(log) and "replicate" in open(log, encoding="utf-8").read():
                    break
                time.sleep(0.05)
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            finally:
                # Whatever the script left running (a fake replicate it failed to stop) ends with it.
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            calls = open(log, encoding="utf-8").read().splitlines() if os.path.exists(log) else []
            return process.returncode, calls, os.path.exists(env["DB_PATH"])

        own, previous = "gs://bkt/ordersync/ordersync-b", "gs://bkt/ordersync/ordersync-a"
        status, calls, db = run("first-deploy", previous="none")
        check(status == 0 and [c.split()[0] for c in calls] == ["restore", "replicate", "TERM"] and not db,
              f"litestream-run.sh (first deploy): expected restore, replicate, TERM; got {status} {calls}")
        status, calls, db = run("new-revision", present=[previous])
        check(status == 0 and [c.split()[0] for c in calls] == ["restore", "restore", "replicate", "TERM"] and db
              and calls[1].endswith(previous) and "-if-replica-exists" not in calls[1],
              f"litestream-run.sh (new revision): expected own then strict previous restore; got {status} {calls}")
        status, calls, db = run("restart", present=[own])
        check(status == 0 and [c.split()[0] for c in calls] == ["restore", "replicate", "TERM"] and db
              and calls[0].endswith(own), f"litestream-run.sh (restart): expected own restore only; got {calls}")
        status, calls, db = run("previous-missing")
        check(status != 0 and all(not c.startswith("replicate") for c in calls),
              f"litestream-run.sh (previous replica missing): must fail before replicate; got {status} {calls}")
        status, calls, db = run("foreign-revision", revision="ordersync-x", present=[previous])
        check(status != 0 and calls == [], f"litestream-run.sh (revision not rendered): must refuse; got {calls}")


# Deliberately broken copies: (file, text, replacement, words the failure message must contain).
MUTATIONS = [
    ("deploy/service.yaml", 'maxScale: "1"', 'maxScale: "2"', "maxScale"),
    ("deploy/service.yaml", "path: /readyz", "path: /healthz", "readinessProbe must GET /readyz"),
    ("deploy/service.yaml", "run.googleapis.com/container-dependencies: '{\"ordersync\":[\"litestream\"]}'", "",
     "container-dependencies"),
    ("deploy/service.yaml", "value: /secrets/zoho-refresh-token/value", "value: /secrets/zoho-refresh-token/token",
     "is not a mounted secret file"),
    ("deploy/service.yaml", "medium: Memory", "medium: Disk", "in-memory emptyDir"),
    ("deploy/service.yaml", "timeoutSeconds: 300", "timeoutSeconds: 120", "must not exceed"),
    ("deploy/service.yaml", '- name: REQUEST_MEMORY_MB\n              value: "256"',
     '- name: REQUEST_MEMORY_MB\n              value: "768"', "is below what it may use"),
    ("deploy/service.yaml", '- name: REQUEST_MEMORY_MB\n              value: "256"',
     '- name: REQUEST_MEMORY_MB\n              value: "48"', "must hold twice MAX_BODY_BYTES"),
    ("deploy/service.yaml", "containerConcurrency: 250", "containerConcurrency: 1000", "is below what it may use"),
    ("deploy/litestream.yml", "- path: /data/ordersync.db", "- path: /data/other.db", "dbs[0].path"),
    ("deploy/litestream.yml", "type: gs", "type: gcs", "replica type must be `gs`"),
    ("deploy/litestream.yml", "sync-interval: 1s", "sync-interval: 1s\n      retention: 24h", "ignored by Litestream 0.5"),
    ("deploy/litestream-run.sh", "if [ -e \"$DB_PATH\" ]; then\n    # The container",
     "\"$litestream\" replicate -config \"$config\" &\nif [ -e \"$DB_PATH\" ]; then\n    # The container",
     "every restore must come before replicate"),
    ("deploy/scheduler-job.yaml", "--uri: ${SERVICE_URL}/sync", "--uri: ${SERVICE_URL}/sink", "--uri"),
    ("deploy/scheduler-job.yaml", "--oidc-service-account-email: ${SCHEDULER_SA}\n", "", "OIDC"),
    ("cloudbuild.yaml", "  _REGION: europe-west1\n", "", "_REGION"),
    ("cloudbuild.yaml", '"lint", "--strict",', '"lint",', "lint step"),
    ("deploy/setup.sh", "CUSTOMERS_API_KEY AUTH_TOKEN)", "CUSTOMERS_API_KEY)", "setup.sh: SECRETS"),
    # A field name the Cloud Run API does not know: only gcloud's parser catches that.
    ("deploy/service.yaml", "successThreshold: 1", "sucessThreshold: 1", "gcloud rejects"),
    # The Cloud SQL variant.
    ("deploy/service-cloudsql.yaml", 'maxScale: "4"', 'maxScale: "1"', "maxScale must allow more than one instance"),
    ("deploy/service-cloudsql.yaml", "        run.googleapis.com/cloudsql-instances: ${CLOUDSQL_INSTANCE}\n", "",
     "cloudsql-instances annotation"),
    ("deploy/service-cloudsql.yaml", "value: /secrets/database-url/value", "value: /secrets/database-url/url",
     "DATABASE_URL_FILE"),
    ("deploy/service-cloudsql.yaml", "          env:\n",
     "          env:\n            - name: DB_PATH\n              value: /data/ordersync.db\n", "no DB_PATH"),
    ("Dockerfile", "ENV PORT=8080 LOG_FORMAT=json", "ENV PORT=8080 DB_PATH=/app/data/ordersync.db LOG_FORMAT=json",
     "no ENV DB_PATH"),
    ("Dockerfile", "ENV PORT=8080 LOG_FORMAT=json", "ENV PORT=8080 HOST=127.0.0.1 LOG_FORMAT=json", "no ENV HOST"),
    ("deploy/service.yaml", "            - name: LOG_LEVEL\n              value: info\n",
     "            - name: LOG_LEVEL\n              value: info\n            - name: HOST\n              value: 127.0.0.1\n",
     "must listen on 0.0.0.0"),
    ("deploy/service.yaml", "            - name: LOG_LEVEL\n              value: info\n",
     "            - name: LOG_LEVEL\n              value: info\n            - name: MAX_CONNECTIONS_PER_CLIENT\n"
     "              value: \"8\"\n", "no MAX_CONNECTIONS_PER_CLIENT"),
    ("deploy/service-cloudsql.yaml", "- name: DATABASE_URL_FILE\n              value: /secrets/database-url/value",
     "- name: DATABASE_URL\n              value: postgresql://ordersync:secret@/ordersync", "DATABASE_URL"),
    ("deploy/service-cloudsql.yaml", "\n\n      volumes:\n",
     "\n        - name: litestream\n          image: ${IMAGE}\n\n      volumes:\n", "exactly one container"),
    ("deploy/service-cloudsql.yaml", "startupProbe:\n            httpGet:\n              path: /readyz",
     "startupProbe:\n            httpGet:\n              path: /healthz", "startupProbe must GET /readyz"),
    ("deploy/service-cloudsql.yaml", "livenessProbe:\n            httpGet:\n              path: /healthz",
     "livenessProbe:\n            httpGet:\n              path: /readyz", "livenessProbe must GET /healthz"),
    ("deploy/service-cloudsql.yaml", "containerPort: 8080", "containerPort: 8081", "containerPort 8080"),
    ("deploy/service-cloudsql.yaml", "              memory: 1Gi", "              memory: 384Mi", "is below what it may use"),
    ("deploy/service-cloudsql.yaml", '            - name: REQUEST_MEMORY_MB\n              value: "256"\n', "",
     "REQUEST_MEMORY_MB must be set"),
    ("deploy/service-cloudsql.yaml", "image: ${IMAGE}", "image: ${LITESTREAM_IMAGE}", "the image must be ${IMAGE}"),
    ("deploy/service-cloudsql.yaml", "        - name: database-url\n          secret:\n",
     "        # begin secret ordersync-database-url\n        - name: database-url\n          secret:\n",
     "must never be dropped"),
    ("deploy/service-cloudsql.yaml", '            - name: SYNC_DEADLINE_SECONDS\n              value: "240"\n', "",
     "env differs from service.yaml: SYNC_DEADLINE_SECONDS"),
    ("deploy/service-cloudsql.yaml", "successThreshold: 1", "sucessThreshold: 1", "gcloud rejects"),
    ("cloudbuild.yaml", "  _VARIANT: sqlite\n", "  _VARIANT: cloudsql\n", "_VARIANT must default to sqlite"),
    ("cloudbuild.yaml", "      - VARIANT=${_VARIANT}\n", "", "VARIANT=${_VARIANT}"),
    ("cloudbuild.yaml", "zlib1g-dev libpq-dev postgresql", "zlib1g-dev postgresql", "test step must install libpq-dev"),
    ("Dockerfile", "zlib1g libpq5 libcurl4", "zlib1g libcurl4", "runtime stage must install libpq5"),
    ("Dockerfile", "libsqlite3-dev zlib1g-dev libpq-dev", "libsqlite3-dev zlib1g-dev",
     "build stage must install libpq-dev"),
    ("deploy/render-service", '"${ALLOW_VARIANT_SWITCH:-}" != yes', '"${ALLOW_VARIANT_SWITCH:-yes}" != yes',
     "render-service variant switch"),
    ("deploy/setup.sh", "--role=roles/cloudsql.client", "--role=roles/cloudsql.viewer", "roles/cloudsql.client"),
]
CHECKED_FILES = ["deploy/service.yaml", "deploy/service-cloudsql.yaml", "deploy/litestream.yml",
                 "deploy/scheduler-job.yaml", "deploy/litestream-run.sh", "deploy/litestream.Dockerfile",
                 "deploy/setup.sh", "deploy/render-service", "cloudbuild.yaml", "Dockerfile", "Package.swift",
                 "scripts/build-release"]


def self_test(root):
    """Run this check on broken copies of the files; each one must fail with its message."""
    broken = 0
    for file, text, replacement, expected in MUTATIONS:
        with tempfile.TemporaryDirectory() as copy:
            for name in CHECKED_FILES:
                os.makedirs(os.path.dirname(os.path.join(copy, name)) or copy, exist_ok=True)
                shutil.copy2(os.path.join(root, name), os.path.join(copy, name))
            original = read(copy, file)
            if text not in original:
                print(f"self-test: {file} no longer contains {text!r}; update MUTATIONS", file=sys.stderr)
                return 1
            with open(os.path.join(copy, file), "w", encoding="utf-8") as f:
                f.write(original.replace(text, replacement, 1))
            command = [sys.executable, os.path.abspath(__file__), "--root", copy]
            if expected != "gcloud rejects":
                command.append("--no-gcloud")
            if file != "deploy/litestream-run.sh":
                command.append("--no-sidecar-run")
            result = subprocess.run(command, capture_output=True, text=True)
            caught = result.returncode != 0 and expected in result.stderr
            broken += 0 if caught else 1
            print(f"self-test: {'caught' if caught else 'MISSED'}: {file}: {text!r} -> {replacement!r}")
            if not caught:
                print(result.stdout + result.stderr, file=sys.stderr)
    print(f"self-test: {len(MUTATIONS) - broken} of {len(MUTATIONS)} broken copies rejected")
    return 1 if broken else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--no-gcloud", action="store_true")
    parser.add_argument("--no-sidecar-run", action="store_true", help="skip running litestream-run.sh")
    parser.add_argument("--self-test", action="store_true", help="check that broken copies are rejected")
    args = parser.parse_args()
    root = args.root
    if args.self_test:
        return self_test(root)

    service = load(root, "deploy/service.yaml")
    litestream_config = load(root, "deploy/litestream.yml")
    scheduler = load(root, "deploy/scheduler-job.yaml")
    build = load(root, "cloudbuild.yaml")
    timeout = check_service(root, service, litestream_config, read(root, "deploy/litestream-run.sh"),
                            read(root, "deploy/litestream.Dockerfile"), read(root, "deploy/setup.sh"))
    check_litestream(litestream_config)
    check_scheduler(scheduler or {}, timeout)
    check_cloudbuild(build)
    check_cloudsql_service(root, load(root, "deploy/service-cloudsql.yaml") or {}, service or {},
                           read(root, "deploy/setup.sh"))
    check_packages(root, build, read(root, "Dockerfile"))
    check_variant_switch(root)

    all_secrets = sorted(set(re.findall(r"^ *# begin secret (\S+)$", read(root, "deploy/service.yaml"), re.M)))
    rendered_files = []
    with tempfile.TemporaryDirectory() as work:
        for variant, label, secrets in (("sqlite", "all-secrets", all_secrets), ("sqlite", "no-secrets", []),
                                        ("cloudsql", "cloudsql-all-secrets", all_secrets),
                                        ("cloudsql", "cloudsql-no-secrets", [])):
            text = render(root, secrets, variant=variant)
            if text is None:
                continue
            rendered = yaml.safe_load(text)
            template = rendered["spec"]["template"]
            volumes = template["spec"].get("volumes") or []
            # The Cloud SQL variant always mounts the database URL on top of the optional secrets.
            expected = len(secrets) + (1 if variant == "cloudsql" else 0)
            check(sum(1 for v in volumes if v.get("secret")) == expected,
                  f"render-service ({label}): expected {expected} secret volumes")
            check("${" not in re.sub(r"(?m)^\s*#.*$", "", text), f"render-service ({label}): placeholders left")
            if variant == "cloudsql":
                check(template["metadata"]["annotations"].get(CLOUDSQL_ANNOTATION) == CLOUDSQL_CONNECTION_NAME,
                      f"render-service ({label}): the Cloud SQL annotation is not the connection name given")
            path = os.path.join(work, f"{label}.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            rendered_files.append(path)
        if not args.no_gcloud and rendered_files:
            check_with_gcloud(rendered_files, read(root, "deploy/scheduler-job.yaml"))
    if not args.no_sidecar_run:
        check_sidecar_script(root)

    if failures:
        for failure in failures:
            print(f"FAIL {failure}", file=sys.stderr)
        print(f"check-deploy: {len(failures)} problem(s)", file=sys.stderr)
        return 1
    print("check-deploy: service.yaml, service-cloudsql.yaml, litestream.yml, scheduler-job.yaml, cloudbuild.yaml, "
          "the Dockerfile's packages and the sidecar are consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
