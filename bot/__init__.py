"""camtay bot: channels, dialogue turn, storage, web app and CLI."""
