"""The typed data layer: models (one module per domain), engine and migrations."""
# Relationships name classes of other modules (Member.runs is a TutorialRun): importing any model
# module loads them all, so the mappers configure whichever one a caller imported first.
from bot.storage import schema  # noqa: F401, E402
