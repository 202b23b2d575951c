"""Channel adapters: turn platform updates into Incoming and render replies for the platform."""
