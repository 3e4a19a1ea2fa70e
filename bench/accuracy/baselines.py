"""Baselines for the accuracy benchmark: a plain word list and SpamAssassin's stock rules."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Prediction:
    """What one system said about one document; ``spans`` is None for document-level systems."""

    flagged: bool
    spans: tuple[tuple[int, int], ...] | None = None
    error: str | None = None
    score: float | None = None


class WordList:
    """Flag any drug or spam term, anywhere, with no regard to context."""

    name = "wordlist"

    def __init__(self, use_lexicon: bool = True):
        self.use_lexicon = use_lexicon

    def available(self) -> str | None:
        return None

    def _terms(self) -> set[str]:
        from spamscalpel.synth import default_terms

        terms = default_terms(self.use_lexicon, mined=False)
        words = {w for pair in terms.drug_pairs for w in pair} | set(terms.spam_drugs)
        for kws in terms.keywords.values():
            words |= set(kws)
        self.origin = terms.origin
        if self.use_lexicon:
            try:  # every term the lexicon knows: all drug names, bare "casino", "payday loans" ...
                from spamscalpel.lexicon import load_lexicon

                words |= set(load_lexicon().terms)
            except Exception:  # noqa: BLE001 - the lexicon is optional for this baseline
                pass
        return {w.lower() for w in words}

    def predict(self, docs: Sequence) -> list[Prediction]:
        terms = self._terms()
        longest = max(len(t.split()) for t in terms)
        token = re.compile(r"\w+(?:[-'.]\w+)*")
        out = []
        for d in docs:
            toks = [(m.start(), m.end()) for m in token.finditer(d.text)]
            low = d.text.lower()
            spans = []
            i = 0
            while i < len(toks):
                for n in range(min(longest, len(toks) - i), 0, -1):  # longest match first
                    s, e = toks[i][0], toks[i + n - 1][1]
                    if " ".join(low[a:b] for a, b in toks[i : i + n]) in terms:
                        spans.append((s, e))
                        i += n
                        break
                else:
                    i += 1
            out.append(Prediction(bool(spans), tuple(spans)))
        return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_mail(doc) -> bytes:
    ctype = "text/html" if getattr(doc, "format", "text") == "html" else "text/plain"
    head = (
        "From: Site Author <author@example.org>\n"
        "To: reader@example.org\n"
        f"Subject: page {doc.id}\n"
        "Date: Thu, 01 Jan 2026 00:00:00 +0000\n"
        f"Message-ID: <{hashlib.sha1(doc.id.encode()).hexdigest()[:16]}.bench@example.org>\n"
        "MIME-Version: 1.0\n"
        f"Content-Type: {ctype}; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\n"
    )
    return (head + doc.text + "\n").encode("utf-8")


class SpamAssassin:
    """SpamAssassin's stock rules via a private spamd; each document is a mail body; score >= 5 is spam."""

    name = "spamassassin"

    def __init__(self, threshold: float = 5.0, workers: int = 2):
        self.threshold = threshold
        self.workers = workers
        self.version = ""

    def available(self) -> str | None:
        """None when usable, else why not."""
        missing = [b for b in ("spamd", "spamc") if not shutil.which(b)]
        if missing:
            return f"not installed ({', '.join(missing)} missing; apt-get install spamassassin spamc)"
        return None

    def _start(self, tmp: Path) -> tuple[subprocess.Popen, int]:
        # A private site config: the stock .pre plugin lists plus Bayes and network tests off, so
        # that only the shipped rules decide and nothing is learned between runs.
        conf = tmp / "conf"
        conf.mkdir()
        for pre in Path("/etc/spamassassin").glob("*.pre"):
            shutil.copy(pre, conf / pre.name)
        (conf / "local.cf").write_text("use_bayes 0\nbayes_auto_learn 0\nskip_rbl_checks 1\n")
        port = _free_port()
        cmd = [
            shutil.which("spamd") or "spamd",
            "-L",
            "-x",
            "--listen",
            f"127.0.0.1:{port}",
            "-m",
            str(self.workers),
            f"--siteconfigpath={conf}",
            "-s",
            str(tmp / "spamd.log"),
        ]
        if os.geteuid() == 0:
            cmd += ["-u", "nobody"]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"spamd exited with status {proc.returncode}; see {tmp / 'spamd.log'}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return proc, port
            except OSError:
                time.sleep(0.3)
        proc.kill()
        raise RuntimeError("spamd did not start within 120 s")

    def _check(self, port: int, doc) -> Prediction:
        try:
            res = subprocess.run(
                ["spamc", "-d", "127.0.0.1", "-p", str(port), "-c", "-s", "20000000"],
                input=_as_mail(doc),
                capture_output=True,
                timeout=120,
            )
            score = float(res.stdout.decode().strip().split("/")[0])
            return Prediction(score >= self.threshold, score=score)
        except (ValueError, subprocess.SubprocessError) as exc:
            return Prediction(False, None, f"{doc.id}: spamc failed: {exc}")

    def predict(self, docs: Sequence) -> list[Prediction]:
        ver = subprocess.run(["spamd", "--version"], capture_output=True, text=True)
        self.version = (ver.stdout.splitlines() or [""])[0]
        with tempfile.TemporaryDirectory(prefix="bench-spamd-") as tmp:
            os.chmod(tmp, 0o755)
            proc, port = self._start(Path(tmp))
            try:
                with ThreadPoolExecutor(self.workers) as pool:
                    return list(pool.map(lambda d: self._check(port, d), docs))
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
