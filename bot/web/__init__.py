"""The ASGI web app: web chat, webhooks, health."""
