"""The typed data layer: models, engine and migrations."""
