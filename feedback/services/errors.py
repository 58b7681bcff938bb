"""Errors a person can act on, carrying field-level messages in the user's language."""
from __future__ import annotations


class ServiceError(Exception):
    status_code = 400

    def __init__(self, message, *, field: str | None = None, errors: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.errors = errors if errors is not None else ({field: [message]} if field else {})


class ValidationFailed(ServiceError):
    """Input that cannot be accepted; `errors` maps field → list of messages."""

    status_code = 422

    def __init__(self, errors: dict):
        first = next(iter(errors.values()))[0]
        super().__init__(first, errors=errors)


class NotFound(ServiceError):
    status_code = 404


class PermissionDenied(ServiceError):
    status_code = 403


class Conflict(ServiceError):
    status_code = 409
