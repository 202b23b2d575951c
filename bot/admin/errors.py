"""Errors a page raises; the web layer turns each into its status and a plain Vietnamese page."""
from __future__ import annotations


class AdminError(Exception):
    status = 500
    title = "Đã có lỗi"

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class BadRequest(AdminError):
    status = 400
    title = "Yêu cầu không hợp lệ"


class Forbidden(AdminError):
    status = 403
    title = "Không có quyền truy cập"


class NotFound(AdminError):
    status = 404
    title = "Không tìm thấy"


class CsrfRejected(Forbidden):
    """A form without the session's CSRF token (recorded as such, not also as a 403)."""
