#!/usr/bin/env bash
# The tests with their set-up: installs the Debian packages the tests need when they are missing, then runs
# `dotnet test` from the repository root (extra arguments go to dotnet test).
#   dataset-fashion-mnist  Fashion-MNIST in /usr/share/datasets/fashion-mnist (dataset, training and demo tests)
#   chromium               the headless browser in which the report tests open the HTML reports
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test: the .NET SDK 10 is required (dotnet not found on PATH)" >&2
  exit 1
fi

missing=()
[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] || missing+=(dataset-fashion-mnist)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test: installing ${missing[*]} with apt-get"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

exec dotnet test "$@"
