#!/bin/bash
# The image's HEALTHCHECK: GET /health/ready (or the path given) on this node's own HTTP port, through
# bash's /dev/tcp: the image has no curl, and a JVM per check would cost seven containers a core.
# Healthy means the node can serve: a replica whose group has no leader, or a frontend that knows none, is
# unhealthy, so do not restart containers on this status (Kubernetes restarts on /health/live instead).
#
# The port: PYGMY_HEALTH_PORT when set, else this node's entry in PYGMY_NODES (the name is the node's
# --name, read from PID 1's command line), else the default port of its role.
set -u
path="${1:-/health/ready}"
port="${PYGMY_HEALTH_PORT:-}"
if [[ -z "$port" ]]; then
  role="" name=""
  mapfile -d '' args </proc/1/cmdline
  for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
      catalog|order|frontend) [[ -n "$role" ]] || role="${args[i]}" ;;
      --name) name="${args[i + 1]:-}" ;;
      --name=*) name="${args[i]#--name=}" ;;
    esac
  done
  if [[ -n "$name" ]]; then
    IFS=$', \n' read -r -d '' -a entries <<<"${PYGMY_NODES:-}"
    for e in "${entries[@]}"; do
      if [[ "$e" == "$name@"* ]]; then
        rest="${e#*@}"; rest="${rest#*:}"; port="${rest%%:*}"
      fi
    done
  fi
  if [[ -z "$port" ]]; then
    case "$role" in catalog) port=9101 ;; order) port=9301 ;; *) port=8080 ;; esac
  fi
fi
exec 3<>"/dev/tcp/127.0.0.1/$port" || { echo "nothing listens on port $port"; exit 1; }
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t 5 status <&3 || { echo "no answer on port $port"; exit 1; }
if [[ "$status" == *" 200 "* ]]; then
  exit 0
fi
# Not ready: the status line and the body, which says why; Docker keeps it in the health log.
echo "$status"
while IFS= read -r -t 2 line <&3; do [[ "$line" == $'\r' ]] && break; done
IFS= read -r -t 2 -N 500 body <&3
echo "${body:-}"
exit 1
