#!/usr/bin/env bash
# The peers: TensorFlow, JAX, PyTorch and ONNX Runtime as live candidates. Creates a virtual
# environment outside the repository (CONFORM_PEERS, default ~/.cache/conform/peers), installs the
# pinned frameworks of candidates/requirements.txt from PyPI, then runs the main job, which judges,
# campaigns and times every peer beside Conform's own ops (extra arguments go to `conform report`).
# The torch wheel on PyPI comes with its CUDA libraries: about 7 GB installed, several GB to
# download. Tests and CI never need any of this.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${CONFORM_PEERS:-$HOME/.cache/conform/peers}"
if ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
  echo "peers: installing python3-venv" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
echo "peers: installing candidates/requirements.txt into $venv (torch with its CUDA libraries: several GB)" >&2
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q -r candidates/requirements.txt
CONFORM_PEERS="$venv" exec bash scripts/main.sh "$@"
