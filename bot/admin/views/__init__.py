"""One module per admin page; each function gets a checked `Ctx` and returns a response."""
