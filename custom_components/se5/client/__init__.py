"""Client of the Sophgo SE5 AI mini box: REST device list and the recognition event socket.

This package has no Home Assistant imports; it could be published on its own.
"""

from .errors import (
    FrameError,
    Se5ApiError,
    Se5BoxStartingError,
    Se5ConnectionError,
    Se5Error,
    Se5NotABoxError,
    Se5ServerError,
)
from .images import decode_image
from .models import (
    Device,
    Dialect,
    ImageSelection,
    Person,
    PersonType,
    Recognition,
    Relay,
    Subscription,
)
from .parse import parse_event, parse_frame
from .rest import DEFAULT_REST_PORT, Se5Client
from .stream import DEFAULT_EVENT_PORT, Backoff, EventStream, StreamState, StreamStats

__all__ = [
    "DEFAULT_EVENT_PORT",
    "DEFAULT_REST_PORT",
    "Backoff",
    "Device",
    "Dialect",
    "EventStream",
    "FrameError",
    "ImageSelection",
    "Person",
    "PersonType",
    "Recognition",
    "Relay",
    "Se5ApiError",
    "Se5BoxStartingError",
    "Se5Client",
    "Se5ConnectionError",
    "Se5Error",
    "Se5NotABoxError",
    "Se5ServerError",
    "StreamState",
    "StreamStats",
    "Subscription",
    "decode_image",
    "parse_event",
    "parse_frame",
]
