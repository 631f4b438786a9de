"""Client of the Sophgo SE5 AI mini box: REST, system API, history and the event socket.

This package has no Home Assistant imports; it could be published on its own.
"""

from .configs import PassMode, Se5ConfigRefusedError
from .device_feed import DEFAULT_FEED_PORT, DeviceChange, DeviceFeed
from .doors import MAX_DURATION, MIN_DURATION, Se5RelayIncompleteError
from .errors import (
    FrameError,
    Se5ApiError,
    Se5BoxStartingError,
    Se5ConnectionError,
    Se5DuplicateError,
    Se5Error,
    Se5LowQualityError,
    Se5NoFaceError,
    Se5NotABoxError,
    Se5NotRegisteredError,
    Se5RefusedError,
    Se5ServerError,
)
from .images import Base64Image, as_jpeg, decode_image, held_size
from .models import (
    BoxInfo,
    Device,
    Dialect,
    Health,
    ImageSelection,
    Person,
    PersonType,
    Recognition,
    Relay,
    Subscription,
)
from .parse import MAX_AHEAD_MS, parse_event, parse_frame
from .people_write import MAX_PHOTO_BYTES, NewPerson, PersonChange
from .probe import probe_event_socket
from .rest import DEFAULT_REST_PORT, Se5Client
from .send import Se5UnconfirmedError
from .stream import (
    DEFAULT_EVENT_PORT,
    DEFAULT_MAX_FRAME_BYTES,
    Backoff,
    EventStream,
    StreamState,
    StreamStats,
)
from .system import DEFAULT_SYSTEM_PORT

__all__ = [
    "DEFAULT_EVENT_PORT",
    "DEFAULT_FEED_PORT",
    "DEFAULT_MAX_FRAME_BYTES",
    "DEFAULT_REST_PORT",
    "DEFAULT_SYSTEM_PORT",
    "MAX_AHEAD_MS",
    "MAX_DURATION",
    "MAX_PHOTO_BYTES",
    "MIN_DURATION",
    "Backoff",
    "Base64Image",
    "BoxInfo",
    "Device",
    "DeviceChange",
    "DeviceFeed",
    "Dialect",
    "EventStream",
    "FrameError",
    "Health",
    "ImageSelection",
    "NewPerson",
    "PassMode",
    "Person",
    "PersonChange",
    "PersonType",
    "Recognition",
    "Relay",
    "Se5ApiError",
    "Se5BoxStartingError",
    "Se5Client",
    "Se5ConfigRefusedError",
    "Se5ConnectionError",
    "Se5DuplicateError",
    "Se5Error",
    "Se5LowQualityError",
    "Se5NoFaceError",
    "Se5NotABoxError",
    "Se5NotRegisteredError",
    "Se5RefusedError",
    "Se5RelayIncompleteError",
    "Se5ServerError",
    "Se5UnconfirmedError",
    "StreamState",
    "StreamStats",
    "Subscription",
    "as_jpeg",
    "decode_image",
    "held_size",
    "parse_event",
    "parse_frame",
    "probe_event_socket",
]
