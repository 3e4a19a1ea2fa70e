"""Corpus runners: local sharded and resumable, Spark, and a datatrove pipeline step."""
