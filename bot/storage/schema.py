"""Every model module, imported so that Base.metadata knows all tables (migrations, tests)."""
from bot.storage import admin_access, consent, conversations, delivery, help, households, places, progress, staff, zalo  # noqa: F401
from bot.storage.base import Base

metadata = Base.metadata
