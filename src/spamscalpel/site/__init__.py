"""Live sites and CMS exports: a guarded crawler with cloaking checks, and WordPress dump scans."""

from .crawler import SiteCrawler, SiteSummary, scan_site
from .fetch import Limits
from .safety import UnsafeAddressError, address_problem, check_url

__all__ = [
    "Limits",
    "SiteCrawler",
    "SiteSummary",
    "UnsafeAddressError",
    "address_problem",
    "check_url",
    "scan_site",
]
