"""Understanding citizens' messages: training data, Rasa training and server, the client."""
from pathlib import Path

NLU_DIR = Path(__file__).resolve().parent
