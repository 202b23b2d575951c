"""Errors a page raises; the web layer turns each into its status and a plain Vietnamese page."""
from __future__ import annotations

from bot.admin.messages import message


class AdminError(Exception):
    status = 500
    title = message("errors.title")

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class BadRequest(AdminError):
    status = 400
    title = message("errors.bad_request")


class Forbidden(AdminError):
    status = 403
    title = message("errors.forbidden")


class NotFound(AdminError):
    status = 404
    title = message("errors.not_found")


class CsrfRejected(Forbidden):
    """A form without the session's CSRF token (recorded as such, not also as a 403)."""
