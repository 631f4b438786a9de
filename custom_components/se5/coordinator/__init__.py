"""The coordinators of one box: where each kind of data comes from and who hears of it.

- `Se5PushCoordinator` (`push.py`): holds the event subscription and hands out each
  recognition (pushed, never polled).
- `Se5DeviceCoordinator` (`devices.py`): the device list, polled every 5 minutes and after each
  reconnection; new devices are followed, missing ones raise a repair issue.
- `Se5PeopleCoordinator` (`people.py`): the register of people, polled every 5 minutes and
  after each reconnection.
- `Se5HealthCoordinator` (`health.py`): the box's health on its system API, polled every minute.
- `Se5SettingsCoordinator` (`settings.py`): the box's pass mode and score scale, read by name
  every minute and after each write of the pass mode.
"""

from .devices import Se5DeviceCoordinator, async_list_devices, missing_issue_id
from .health import Se5HealthCoordinator
from .people import Register, Se5PeopleCoordinator, async_read_register, default_people
from .push import Se5PushCoordinator, unreachable_issue_id
from .settings import BoxSettings, Se5SettingsCoordinator

__all__ = [
    "BoxSettings",
    "Register",
    "Se5DeviceCoordinator",
    "Se5HealthCoordinator",
    "Se5PeopleCoordinator",
    "Se5PushCoordinator",
    "Se5SettingsCoordinator",
    "async_list_devices",
    "async_read_register",
    "default_people",
    "missing_issue_id",
    "unreachable_issue_id",
]
