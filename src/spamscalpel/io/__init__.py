"""Readers and writers for corpora: JSONL, Parquet, WARC/WET in; annotations, cleaned, rejected out."""

from .readers import FORMATS, ReaderOptions, ReadError, detect_format, expand_inputs, read_file, read_inputs
from .writers import POLICIES, CleanOptions, ShardWriter

__all__ = [
    "FORMATS",
    "POLICIES",
    "CleanOptions",
    "ReadError",
    "ReaderOptions",
    "ShardWriter",
    "detect_format",
    "expand_inputs",
    "read_file",
    "read_inputs",
]
