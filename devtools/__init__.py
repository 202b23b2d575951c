"""What the tests and the benchmarks both use, and the bot never does: a machine's PostgreSQL databases, fake
platform servers (fakes/), worker processes, simulated citizens and the checks on what they left behind.
tests/ and bench/ import this package, never each other (tests/test_architecture.py checks it)."""
