"""One digest of the code Rasa runs from this repository: changing it retrains the model."""
from __future__ import annotations

import hashlib
from pathlib import Path

_NLU_DIR = Path(__file__).resolve().parent
# Modules the custom Rasa components import (keep in step with nlu/rasa_components.py).
COMPONENT_MODULES = ("rasa_components.py", "rasa_features.py", "normalizer.py", "tones.py",
                     "abbreviations.py", "concepts.py", "entities.py", "fingerprint.py", "shorten.py",
                     "accents.py", "clauses.py")


def component_sources_digest() -> str:
    digest = hashlib.sha256()
    for name in COMPONENT_MODULES:
        digest.update(name.encode() + b"\0" + (_NLU_DIR / name).read_bytes())
    return digest.hexdigest()
