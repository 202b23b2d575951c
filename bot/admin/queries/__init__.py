"""The admin pages' SQL: aggregated in the database, scoped by role, parameterized throughout."""
