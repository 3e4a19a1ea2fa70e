"""Registrable domains ("the site") by the Public Suffix List, from the snapshot the
``publicsuffixlist`` package ships: nothing is fetched at run time.

``evil.github.io`` and ``good.github.io`` are two sites (github.io is a public suffix, as are
blogspot.com and co.uk); ``shop.example.org`` and ``www.example.org`` are one.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _psl():
    from publicsuffixlist import PublicSuffixList

    # The bundled list, private suffixes (github.io, blogspot.com, ...) included.
    return PublicSuffixList(only_icann=False)


@lru_cache(maxsize=8192)
def registrable_domain(host: str) -> str:
    """The registrable domain of ``host`` (public suffix plus one label); IPs and bare names as given."""
    host = host.lower().rstrip(".")
    if not host or ":" in host or host.replace(".", "").isdigit() or "." not in host:
        return host
    return _psl().privatesuffix(host) or host
