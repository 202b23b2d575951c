"""The admin web under /admin: usage logs, progress, not-understood questions, reports."""
