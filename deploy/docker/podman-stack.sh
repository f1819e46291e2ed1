#!/usr/bin/env bash
# The whole platform from the images, on one host, with podman and host networking: the
# same processes as docker-compose.yml, for machines with podman but no Docker daemon or
# registry. Postgres (and optionally Redis) are the host's; MLflow runs from its image.
#
#   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ml_pipeline deploy/docker/podman-stack.sh up
#   deploy/docker/podman-stack.sh down        # stops and removes the containers (keeps the MLflow volume)
#
# Environment: DATABASE_URL (required; the database must exist), REDIS_URL, JWT_SECRET and
# ADMIN_PASSWORD (generated when unset; the admin password is printed), MODEL_NAME, IMAGE_TAG (0.1.0), ports
# MLFLOW_PORT (5000) INFERENCE_PORT (8001) TRAINING_PORT (8002) DRIFT_PORT (8003)
# GATEWAY_PORT (8000), BIND (127.0.0.1; the gateway's address, 0.0.0.0 to publish it),
# STACK_NAME (mlp: the prefix of the container and volume names), BOOTSTRAP (1: demo data and
# a first model when the registry has none; 0 skips it), MLFLOW_TRACKING_USERNAME (ml-pipeline)
# and MLFLOW_TRACKING_PASSWORD (generated once and kept in ~/.cache/ml-pipeline/: MLflow runs its
# basic-auth app, and its user store on the volume keeps the first password it was given).
# Services restart on their own when they die (--restart always).
set -euo pipefail
cd "$(dirname "$0")/../.."

TAG="${IMAGE_TAG:-0.1.0}"
PREFIX="${STACK_NAME:-mlp}"
MLFLOW_PORT="${MLFLOW_PORT:-5000}"
declare -A PORTS=(
  [inference]="${INFERENCE_PORT:-8001}" [training]="${TRAINING_PORT:-8002}"
  [drift]="${DRIFT_PORT:-8003}" [gateway]="${GATEWAY_PORT:-8000}"
)
SERVICES=(inference training drift gateway)

export CONTAINERS_CONF
CONTAINERS_CONF="$(deploy/docker/podman-setup.sh)"

down() {
  for name in gateway drift training inference mlflow; do
    podman rm --force --ignore --time 15 "$PREFIX-$name" >/dev/null
  done
}

wait_http() {  # url seconds
  local deadline=$((SECONDS + $2))
  until python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "timed out waiting for $1" >&2; return 1; }
    sleep 0.5
  done
}

# HEALTHCHECK timers need systemd; health is probed over HTTP here and by the orchestrator.
hardened=(--init --network host --read-only --tmpfs /tmp --cap-drop ALL
  --security-opt no-new-privileges --no-healthcheck --env HOME=/tmp --log-opt max-size=10mb)

up() {
  : "${DATABASE_URL:?set DATABASE_URL to an existing Postgres database}"
  local jwt="${JWT_SECRET:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')}"
  local service_key="${SERVICE_KEY:-$(python3 -c 'import secrets; print(secrets.token_hex(32))')}"
  # A generated key gives pseudonyms that change with every `up`: set PSEUDONYM_KEY to keep them.
  local pseudonym_key="${PSEUDONYM_KEY:-$(python3 -c 'import secrets; print(secrets.token_hex(32))')}"
  local password="${ADMIN_PASSWORD:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')}"
  local model="${MODEL_NAME:-comprou-produto}" mlflow="http://127.0.0.1:$MLFLOW_PORT"
  local kept="${IMAGE_CACHE:-$HOME/.cache/ml-pipeline}/$PREFIX-mlflow-password"
  if [ -z "${MLFLOW_TRACKING_PASSWORD:-}" ] && [ ! -s "$kept" ]; then
    mkdir -p "$(dirname "$kept")"
    (umask 077; python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$kept")
  fi
  local mlflow_password="${MLFLOW_TRACKING_PASSWORD:-$(cat "$kept" 2>/dev/null)}"
  # Only the services that use the registry sign in to it; the gateway never does.
  local mlflow_client=(--env MLFLOW_TRACKING_USERNAME="${MLFLOW_TRACKING_USERNAME:-ml-pipeline}"
    --env MLFLOW_TRACKING_PASSWORD="$mlflow_password")
  deploy/docker/images.sh gateway inference training drift mlflow
  down

  # The image's defaults: registry and user store (SQLite) on the volume, default deny.
  podman volume exists "$PREFIX-mlflow" || podman volume create "$PREFIX-mlflow" >/dev/null
  podman run --detach --name "$PREFIX-mlflow" "${hardened[@]}" --restart always \
    --volume "$PREFIX-mlflow:/mlflow" \
    --env MLFLOW_AUTH_ADMIN_USERNAME="${MLFLOW_TRACKING_USERNAME:-ml-pipeline}" \
    --env MLFLOW_AUTH_ADMIN_PASSWORD="$mlflow_password" \
    --env MLFLOW_FLASK_SERVER_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(32))')" \
    "localhost/ml-pipeline/mlflow:$TAG" mlflow server --app-name basic-auth \
    --artifacts-destination /mlflow/artifacts \
    --serve-artifacts --host 127.0.0.1 --port "$MLFLOW_PORT" --workers 1 >/dev/null
  wait_http "$mlflow/health" 180

  local common=(--env ENVIRONMENT="${ENVIRONMENT:-prod}" --env DATABASE_URL="$DATABASE_URL"
    --env MLFLOW_TRACKING_URI="$mlflow" --env MODEL_NAME="$model" --env SERVICE_KEY="$service_key"
    --env INFERENCE_URL="http://127.0.0.1:${PORTS[inference]}"
    --env TRAINING_URL="http://127.0.0.1:${PORTS[training]}"
    --env DRIFT_URL="http://127.0.0.1:${PORTS[drift]}")
  podman run --rm "${hardened[@]}" "${common[@]}" "localhost/ml-pipeline/gateway:$TAG" \
    python -m shared.migrations
  # Demo data and a first model, only when the registry has no production model yet.
  if [ "${BOOTSTRAP:-1}" = 1 ]; then
    podman run --rm "${hardened[@]}" "${common[@]}" "${mlflow_client[@]}" \
      "localhost/ml-pipeline/training:$TAG" python -m services.training.bootstrap
  fi

  for service in "${SERVICES[@]}"; do
    local extra=("${mlflow_client[@]}") host=127.0.0.1
    if [ "$service" = gateway ]; then
      host="${BIND:-127.0.0.1}"
      extra=(--env JWT_SECRET="$jwt" --env PSEUDONYM_KEY="$pseudonym_key"
        --env ADMIN_USERNAME="${ADMIN_USERNAME:-admin}"
        --env ADMIN_PASSWORD="$password")
      [ -z "${REDIS_URL:-}" ] || extra+=(--env REDIS_URL="$REDIS_URL")
    fi
    podman run --detach --name "$PREFIX-$service" "${hardened[@]}" --restart always \
      "${common[@]}" "${extra[@]}" "localhost/ml-pipeline/$service:$TAG" \
      uvicorn --factory "services.$service.main:create_app" --host "$host" \
      --port "${PORTS[$service]}" --no-proxy-headers --no-access-log >/dev/null
  done
  for service in "${SERVICES[@]}"; do
    wait_http "http://127.0.0.1:${PORTS[$service]}/health/live" 180
  done
  wait_http "http://127.0.0.1:${PORTS[gateway]}/health/ready" 180
  echo "gateway: http://127.0.0.1:${PORTS[gateway]}  admin: ${ADMIN_USERNAME:-admin} / $password"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
