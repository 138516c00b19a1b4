"""A package whose wheel holds one large data file."""

from pathlib import Path

BLOB = Path(__file__).with_name("blob.bin")
