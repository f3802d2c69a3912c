#!/bin/bash
# The one-shot `certs` service of docker-compose.yml: makes the CA and the per-node certificates for mutual
# TLS between nodes, once, into the shared `certs` volume. It is mounted here at /pki/certs (the command
# writes DIR/certs for --data DIR), and read-only at /data/certs in every node.
#
# TLS-TODO: `pygmy certs --data DIR` is being written. Until the jar has that command this step only says
# so and succeeds, and the nodes talk plain TCP on their Docker network. Once it exists this runs it on the
# first `up` (an empty volume) and keeps what it made on every later one; check then that the nodes read
# DATA/certs (or set the setting that points them there in x-node's environment).
set -euo pipefail
jar=/opt/pygmy/pygmy.jar
out=/pki
# (`certs --help` alone would not tell: picocli answers the top-level --help whatever precedes it.)
commands="$(java -jar "$jar" --help 2>/dev/null || true)"
if ! grep -qE '^ +certs( |$)' <<<"$commands"; then
  echo "init-certs: this pygmy has no 'certs' command yet: no certificates made; nodes talk plain TCP"
  exit 0
fi
if [[ -n "$(ls -A "$out/certs" 2>/dev/null)" ]]; then
  echo "init-certs: $out/certs already holds certificates; keeping them"
  exit 0
fi
echo "init-certs: making the CA and node certificates into $out/certs"
exec java -jar "$jar" certs --data "$out"
