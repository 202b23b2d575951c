"""What the assistant does for each understood intent or pressed button; replies as data."""
