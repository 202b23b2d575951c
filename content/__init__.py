"""Tutorials and FAQ answers (one YAML file per topic), message templates, step images."""
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent
