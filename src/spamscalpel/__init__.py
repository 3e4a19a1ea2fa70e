"""spamscalpel: find, explain and cut out injected SEO spam inside web text."""

from .analyze import Config, analyze, analyze_many
from .types import CATEGORIES, VERDICTS, Document, Evidence, Report, Span

__all__ = [
    "CATEGORIES",
    "VERDICTS",
    "Config",
    "Document",
    "Evidence",
    "Report",
    "Span",
    "analyze",
    "analyze_many",
    "clean",
]
__version__ = "0.1.0"


def clean(*args, **kwargs):
    """Remove reported spans from a document (see ``spamscalpel.clean.clean``)."""
    from .clean import clean as _clean

    return _clean(*args, **kwargs)
