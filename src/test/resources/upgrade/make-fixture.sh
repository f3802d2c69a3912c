#!/usr/bin/env bash
# Makes store.tar.gz (committed as store-<commit>.tar.gz): a data directory written by the release before state moved to RocksDB
# (JSON snapshots plus Raft log), with expected.json, what its API answered before it was stopped.
# UpgradeIT starts today's nodes on it. Run from a checkout of that release:
#   bash make-fixture.sh /path/to/old/pygmy.jar OUT_DIR
set -euo pipefail
jar="$1"; out="$2"
java="${JAVA:-java}"
dir="$(mktemp -d)/store"
mkdir -p "$dir" "$out"
# Ports away from the defaults (and from the ephemeral range the other tests draw from).
cat > "$dir/cluster.json" <<'JSON'
{
  "nodes": [
    {"name": "catalog-1", "service": "catalog", "host": "127.0.0.1", "httpPort": 29101, "raftPort": 29201},
    {"name": "catalog-2", "service": "catalog", "host": "127.0.0.1", "httpPort": 29102, "raftPort": 29202},
    {"name": "catalog-3", "service": "catalog", "host": "127.0.0.1", "httpPort": 29103, "raftPort": 29203},
    {"name": "order-1", "service": "order", "host": "127.0.0.1", "httpPort": 29301, "raftPort": 29401},
    {"name": "order-2", "service": "order", "host": "127.0.0.1", "httpPort": 29302, "raftPort": 29402},
    {"name": "order-3", "service": "order", "host": "127.0.0.1", "httpPort": 29303, "raftPort": 29403},
    {"name": "frontend-1", "service": "frontend", "host": "127.0.0.1", "httpPort": 28080}
  ],
  "settings": {"snapshotEveryEntries": 100}
}
JSON
"$java" -jar "$jar" up --data "$dir" >"$dir/up.out" 2>&1 &
up=$!
fe=http://127.0.0.1:28080
until curl -sf "$fe/api/books/1" >/dev/null; do sleep 1; done
token="$(cat "$dir/admin-token")"
# Sequential buys: one catalog entry each, so the catalog log passes two snapshots.
for i in $(seq 1 260); do
  item=$(( (i % 7) + 1 ))
  curl -sf -o /dev/null -X POST "$fe/api/orders" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: fixture-buy-$i" -d "{\"item\":$item,\"quantity\":1}" || true
done
curl -sf -o /dev/null -X POST "$fe/api/books/2/restock" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -H 'Idempotency-Key: fixture-restock-2' -d '{"quantity":40}'
curl -sf -o /dev/null -X PATCH "$fe/api/books/3" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -H 'Idempotency-Key: fixture-cost-3' -d '{"cost":250}'
for i in $(seq 261 300); do
  curl -sf -o /dev/null -X POST "$fe/api/orders" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: fixture-buy-$i" -d '{"item":2,"quantity":2}' || true
done
# Too many copies: refused, and recorded as rejected orders.
for i in $(seq 301 305); do
  curl -s -o /dev/null -X POST "$fe/api/orders" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: fixture-buy-$i" -d '{"item":5,"quantity":100}' || true
done
sleep 2 # the last orders are recorded 20 ms after their answer; give the reconciler a pass too
{
  echo '{"books":'; curl -sf "$fe/api/books"; echo ','
  echo '"orders":['
  for i in $(seq 1 305); do
    curl -sf "$fe/api/orders/$i"; [[ $i -lt 305 ]] && echo ','
  done
  echo ']}'
} > "$out/expected.json"
# SIGKILL, as a crash would: each replica then has a JSON snapshot and log entries after it to replay.
for pid in "$dir"/run/*.pid; do kill -KILL "$(cat "$pid")" || true; done
kill -KILL "$up" || true; wait "$up" || true
rm -rf "$dir/logs" "$dir/run" "$dir/up.out"
tar -C "$(dirname "$dir")" -czf "$out/store.tar.gz" store
echo "wrote $out/store.tar.gz and $out/expected.json"
