"""Every model module, imported so that Base.metadata knows all tables (migrations, tests)."""
from bot.storage import models, models_admin, models_team, models_zalo  # noqa: F401
from bot.storage.models import Base

metadata = Base.metadata
