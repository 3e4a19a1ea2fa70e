"""Synthetic training and evaluation data: clean sources plus realistic spam injections."""

from .generate import KINDS, Example, Terms, default_terms, generate
from .sources import Source, load_sources, split_of

__all__ = ["KINDS", "Example", "Source", "Terms", "default_terms", "generate", "load_sources", "split_of"]
