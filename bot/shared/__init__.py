"""Shared types and settings: the leaf layer every other layer may import, which imports none of them."""
