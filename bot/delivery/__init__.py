"""Delivery: the durable outbox, its sender and the clock, below the channels that hand it their Senders."""
