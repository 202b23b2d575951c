"""Every model module, imported so that Base.metadata knows all tables (migrations, tests)."""
from bot.storage import (  # noqa: F401
    admin_access,
    consent,
    conversations,
    delivery,
    help,
    households,
    join_attempts,
    outcomes,
    places,
    progress,
    ratings,
    sessions,
    staff,
    zalo,
)
from bot.storage.base import Base

metadata = Base.metadata
