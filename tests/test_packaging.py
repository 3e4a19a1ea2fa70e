"""Release files: the license the metadata names, a changelog, and a container image that serves."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_license_file_is_the_apache_2_license_the_metadata_names():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text and "END OF TERMS" in text


def test_changelog_names_the_current_version():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    log = (ROOT / "CHANGELOG.md").read_text()
    assert log.startswith("# Changelog") and f"## {meta['version']}" in log


def test_dockerfile_serves_the_api():
    text = (ROOT / "Dockerfile").read_text()
    assert "'.[server]'" in text and '"serve"' in text and "0.0.0.0" in text


def test_docker_image_builds_and_runs_spamscalpel():
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("docker is not installed: the image is built only where docker is")
    if subprocess.run([docker, "info"], capture_output=True, timeout=60).returncode != 0:
        pytest.skip("docker is installed but its daemon is not reachable: the image is not built")
    tag = f"spamscalpel-test-{uuid.uuid4().hex[:8]}"
    try:
        build = subprocess.run(
            [docker, "build", "-t", tag, str(ROOT)], capture_output=True, text=True, timeout=900
        )
        assert build.returncode == 0, build.stderr[-3000:]
        run = subprocess.run(
            [docker, "run", "--rm", tag, "serve", "--help"], capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0 and "--port" in run.stdout, run.stderr
    finally:
        subprocess.run([docker, "rmi", "-f", tag], capture_output=True, timeout=120)


def test_readme_quick_start_output_is_from_a_real_run():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "update_readme_output", ROOT / "scripts" / "update_readme_output.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    block = mod.BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert block, "README lost its quick-start output block"
    # Rerun `python scripts/update_readme_output.py` after a change to the scorers.
    assert block.group(2) == mod.quick_start_output()
