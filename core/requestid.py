"""The id of the request being served, for the audit log and the logs."""

import contextvars
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("ocop_request_id", default="")


def get() -> str:
    return _request_id.get()


def new(value: str | None = None) -> contextvars.Token:
    return _request_id.set(value or uuid.uuid4().hex)


def reset(token: contextvars.Token) -> None:
    _request_id.reset(token)
