"""Term data for the keyword finder: spam keywords, drug names, modifiers and context words.

The data ships as one compact file, ``data/lexicon.json.gz``, built by
``python -m spamscalpel.lexicon.build`` from maintained drug data and the hand-written lists in
``data/curated/``. Loading needs only the standard library. ``data/common_words.txt.gz``, built
by the same script, lists ordinary English words (``load_common_words``).
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from spamscalpel.types import CATEGORIES

__all__ = [
    "COMMON_WORDS_PATH",
    "DATA_PATH",
    "KINDS",
    "Lexicon",
    "LexiconError",
    "Term",
    "fold_key",
    "load_common_words",
    "load_lexicon",
]

DATA_PATH = Path(__file__).resolve().parent / "data" / "lexicon.json.gz"
COMMON_WORDS_NAME = "common_words.txt.gz"
COMMON_WORDS_PATH = DATA_PATH.parent / COMMON_WORDS_NAME
FORMAT = 1
KINDS: tuple[str, ...] = ("drug", "spam_drug", "keyword")

_SPACE_RE = re.compile(r"\s+")
# Invisible characters that would otherwise split a key; the normalizer removes them from text too.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


class LexiconError(Exception):
    """The lexicon file is missing or malformed."""


def fold_key(text: str) -> str:
    """Fold a term exactly the way the normalizer folds text (accents, look-alikes, case), single spaces."""
    from ..normalize import normalize  # late: the normalizer is heavier than this module

    # No NFKC of the whole term first: the normalizer applies NFKC per character cluster and keeps
    # what it must (Thai sara am, "ต่ำ", stays one char), and a key must fold exactly as text does.
    text = text.translate(_INVISIBLE)
    return _SPACE_RE.sub(" ", normalize(text).text).strip()


@dataclass(frozen=True, slots=True)
class Term:
    """What the lexicon knows about one keyword."""

    category: str  # one of spamscalpel.types.CATEGORIES
    canonical: str  # lowercase generic name for drugs (reglan -> metoclopramide); the term itself otherwise
    kind: str  # "drug" (from drug data), "spam_drug" (spammer favourite), "keyword" (non-pharma)
    strength: float  # 0..1: how spammy the bare term is on its own
    source: str  # "drug-ner", "unii" or "curated:<file>"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """All term data; keys are folded with ``fold_key``."""

    terms: Mapping[str, Term]
    modifiers: Mapping[str, float]
    foreign_modifiers: Mapping[str, float]
    countries: frozenset[str]
    templates: tuple[str, ...]
    medical_context: frozenset[str]
    stop_terms: frozenset[str]
    version: str

    def lookup(self, text: str) -> Term | None:
        """The term for ``text`` (folded first), or None."""
        return self.terms.get(fold_key(text))


def _parse(raw: dict, origin: str) -> Lexicon:
    if raw.get("format") != FORMAT:
        raise LexiconError(f"{origin}: lexicon format {raw.get('format')!r}, this code reads {FORMAT}")
    terms: dict[str, Term] = {}
    for key, row in raw["terms"].items():
        category, canonical, kind, strength, source = row
        if category not in CATEGORIES or kind not in KINDS:
            raise LexiconError(f"{origin}: term {key!r} has category {category!r}, kind {kind!r}")
        terms[key] = Term(category, canonical, kind, float(strength), source)
    return Lexicon(
        terms=MappingProxyType(terms),
        modifiers=MappingProxyType({k: float(v) for k, v in raw["modifiers"].items()}),
        foreign_modifiers=MappingProxyType({k: float(v) for k, v in raw["foreign_modifiers"].items()}),
        countries=frozenset(raw["countries"]),
        templates=tuple(raw["templates"]),
        medical_context=frozenset(raw["medical_context"]),
        stop_terms=frozenset(raw["stop_terms"]),
        version=str(raw["version"]),
    )


@functools.cache
def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Load the shipped lexicon (or the one at ``path``); cached, so call it freely."""
    p = Path(path) if path is not None else DATA_PATH
    try:
        with gzip.open(p, "rb") as f:
            raw = json.loads(f.read().decode("utf-8"))
        return _parse(raw, str(p))
    except FileNotFoundError:
        raise LexiconError(
            f"lexicon file not found: {p} (rebuild: python -m spamscalpel.lexicon.build)"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise LexiconError(f"{p}: unreadable lexicon ({e})") from e


@functools.cache
def load_common_words(path: str | Path | None = None) -> frozenset[str]:
    """Ordinary lowercase English words (shipped list, or the one at ``path``); cached."""
    p = Path(path) if path is not None else COMMON_WORDS_PATH
    try:
        with gzip.open(p, "rb") as f:
            return frozenset(f.read().decode("ascii").split())
    except FileNotFoundError:
        raise LexiconError(
            f"common-word list not found: {p} (rebuild: python -m spamscalpel.lexicon.build)"
        ) from None
    except (OSError, ValueError) as e:
        raise LexiconError(f"{p}: unreadable common-word list ({e})") from e
