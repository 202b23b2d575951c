"""Test doubles for remote services that cannot be reached from tests; they speak the real wire formats."""
