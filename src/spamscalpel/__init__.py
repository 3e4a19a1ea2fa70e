"""spamscalpel: find, explain and cut out injected SEO spam inside web text."""

from .analyze import Config, analyze, analyze_many

# Imported here, not lazily: importing the submodule later would rebind ``spamscalpel.clean`` to
# the module and break ``from spamscalpel import clean`` for whoever imports it afterwards.
from .clean import clean
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
