"""The channel-independent dialogue: Incoming in, replies as data out."""
