#!/usr/bin/env bash
# Smoke test of a built Warden image (run by .github/workflows/images.yml; needs a Docker engine):
#   src/main/docker/smoke-test.sh IMAGE
# Checks the image's promises for real: user 10001 without a login shell, the tools run_shell needs, a start with a
# read-only root filesystem and no capabilities, a healthy HEALTHCHECK, a clean stop on SIGTERM, the refusal to run
# as root.
set -euo pipefail

image=${1:?usage: smoke-test.sh IMAGE}
name=warden-smoke-$$
port=18080

fail() {
  echo "FAIL: $*" >&2
  docker logs "$name" 2>&1 | tail -50 >&2 || true
  exit 1
}
cleanup() {
  docker rm -f "$name" > /dev/null 2>&1 || true
}
trap cleanup EXIT

echo "== user"
uid=$(docker run --rm --entrypoint id "$image" -u)
[ "$uid" = 10001 ] || fail "runs as uid $uid, not 10001"
shell=$(docker run --rm --entrypoint getent "$image" passwd warden | cut -d: -f7)
[ "$shell" = /usr/sbin/nologin ] || fail "warden's shell is $shell"

echo "== tools for run_shell"
docker run --rm --entrypoint bash "$image" -c \
  'command -v sh bash ls cat git bwrap && git --version && bwrap --version' || fail "a tool is missing"

echo "== start hardened: read-only root, writable /data and /tmp only, no capabilities"
docker run -d --name "$name" \
  --read-only --tmpfs /tmp:exec,mode=1777 \
  --cap-drop ALL --security-opt no-new-privileges:true \
  -e WARDEN_AUTH_BOOTSTRAP_TOKEN=smoke-token \
  -p "127.0.0.1:${port}:8080" \
  "$image" > /dev/null

status=starting
for _ in $(seq 1 90); do
  status=$(docker inspect -f '{{.State.Health.Status}}' "$name")
  [ "$status" = healthy ] && break
  [ "$(docker inspect -f '{{.State.Running}}' "$name")" = true ] || fail "the container stopped"
  sleep 2
done
[ "$status" = healthy ] || fail "HEALTHCHECK is $status"
curl -fsS "http://127.0.0.1:${port}/q/health/live" > /dev/null || fail "/q/health/live"
curl -fsS "http://127.0.0.1:${port}/q/health/ready" > /dev/null || fail "/q/health/ready"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port}/api/users")
[ "$code" = 401 ] || fail "an unauthenticated API call got $code, not 401"

echo "== stop: SIGTERM reaches Warden through tini"
docker stop -t 90 "$name" > /dev/null
exit_code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
[ "$exit_code" = 0 ] || [ "$exit_code" = 143 ] || fail "exit code $exit_code after docker stop"
cleanup

echo "== refuses to run as root"
if docker run --rm --user 0 -e WARDEN_AUTH_BOOTSTRAP_TOKEN=smoke-token "$image" > root.log 2>&1; then
  fail "started as root"
fi
grep -q "refuses to run as root" root.log || { cat root.log; fail "no refusal message"; }
rm -f root.log

echo "OK: $image"
