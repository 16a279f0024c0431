# The Litestream sidecar of deploy/service.yaml: the upstream image (Alpine, so /bin/sh is there) plus our
# configuration and entry point. Built by cloudbuild.yaml with deploy/ as the context:
#   docker build -f deploy/litestream.Dockerfile -t IMAGE deploy
# Pinned: Litestream 0.5 changed the replica format and the configuration keys; bump it on purpose.
FROM litestream/litestream:0.5.8
COPY litestream.yml /etc/litestream.yml
# The script is executable in git, and COPY keeps the mode.
COPY litestream-run.sh /usr/local/bin/litestream-run
ENTRYPOINT ["/usr/local/bin/litestream-run"]
