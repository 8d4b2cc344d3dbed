"""Which devices were seen in which room lately (a room's deviceCount), in memory only: a poll
marks its device here and never writes to the database. Bounded: the least recently active
rooms are forgotten past `max_rooms`, a room's least recently seen devices past
`max_devices`. A restart forgets everything, and counts start again from the next polls."""

import threading
from collections import OrderedDict

MAX_ROOMS = 10_000
MAX_DEVICES_PER_ROOM = 256


class Presence:
    def __init__(self, max_rooms: int = MAX_ROOMS, max_devices: int = MAX_DEVICES_PER_ROOM):
        self.max_rooms = max_rooms
        self.max_devices = max_devices
        self._rooms: OrderedDict[str, OrderedDict[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def seen(self, room_id: str, device_id: str, now: float) -> None:
        """Mark `device_id` as present in `room_id` at `now`."""
        with self._lock:
            devices = self._rooms.get(room_id)
            if devices is None:
                devices = self._rooms[room_id] = OrderedDict()
            self._rooms.move_to_end(room_id)
            devices[device_id] = max(now, devices.pop(device_id, now))
            while len(devices) > self.max_devices:
                devices.popitem(last=False)
            while len(self._rooms) > self.max_rooms:
                self._rooms.popitem(last=False)

    def count(self, room_id: str, since: float) -> int:
        """Distinct devices seen in `room_id` after `since`; forgets the ones seen before."""
        with self._lock:
            devices = self._rooms.get(room_id)
            if not devices:
                return 0
            for device_id, at in list(devices.items()):
                if at > since:
                    break  # oldest first: the rest are newer
                del devices[device_id]
            return len(devices)

    def forget(self, room_id: str) -> None:
        """Drop a deleted room."""
        with self._lock:
            self._rooms.pop(room_id, None)
