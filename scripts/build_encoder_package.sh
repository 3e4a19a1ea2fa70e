#!/usr/bin/env bash
# Build the companion package spamscalpel-minilm: fine-tune the MiniLM encoder (unless
# build/encoder/ already holds one), then wrap its files in a wheel under dist/.
#
#   bash scripts/build_encoder_package.sh [--install] [-- train_encoder options]
#
# The weights (about 23 MB as int8 ONNX) stay out of git and out of the main package: they would
# add that much to the history at every retraining. Training takes about 15 minutes on 2 CPU cores
# (python -m spamscalpel.train.train_encoder --help for the knobs). Needs the train-encoder extra.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
BUDGET_BYTES=$((30 * 1024 * 1024))  # the wheel must stay under 30 MiB
install=0
train_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --install) install=1 ;;
    --) shift; train_args=("$@"); break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

out=build/encoder
if [ ! -f "$out/encoder.json" ] || [ "${RETRAIN:-0}" = 1 ]; then
  "$PY" -m spamscalpel.train.train_encoder --out "$out" "${train_args[@]}"
fi

stage=build/minilm-package
rm -rf "$stage"
mkdir -p "$stage"
cp -r packaging/minilm/. "$stage/"
mkdir -p "$stage/spamscalpel_minilm/model"
cp "$out/model.onnx" "$out/tokenizer.json" "$out/encoder.json" "$stage/spamscalpel_minilm/model/"
mkdir -p dist
rm -f dist/spamscalpel_minilm-*.whl
"$PY" -m pip wheel -q --no-deps --no-build-isolation -w dist "$stage"
wheel=$(ls dist/spamscalpel_minilm-*.whl)
size=$(stat -c %s "$wheel")
echo "built $wheel ($((size / 1024 / 1024)) MiB; budget 30 MiB)"
if [ "$size" -gt "$BUDGET_BYTES" ]; then
  echo "the wheel is over its size budget" >&2
  exit 1
fi
if [ "$install" = 1 ]; then
  "$PY" -m pip install -q --force-reinstall --no-deps "$wheel"
  echo "installed; use it with: spamscalpel scan --scorer minilm_v1 ..."
fi
