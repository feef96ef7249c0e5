"""Kombu's filesystem transport, the laptop's Celery broker, making its own folders.

The settings only name the folders (all under var/broker/); the web process, the worker and beat
each make them the first time they connect to the broker, so importing the settings creates
nothing on disk. Production uses Redis and never this transport.
"""

from pathlib import Path

from kombu.transport import filesystem

FOLDER_OPTIONS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


class Transport(filesystem.Transport):
    # The worker's loop for a broker like this one, which cannot wake it (Celery's synloop),
    # waits up to 2 seconds for a message, and once more after it is told to stop, so SIGTERM
    # took it 5 seconds or more to obey, and honcho (`make run`) kills whatever still runs after
    # 5. Answering "nothing yet" after half a second lets it see the stop within a second, at
    # the cost of looking in the queue folder twice a second instead of once.
    longest_wait = 0.5

    def drain_events(self, connection, timeout=None):
        if timeout is not None:
            timeout = min(timeout, self.longest_wait)
        return super().drain_events(connection, timeout=timeout)

    def establish_connection(self):
        options = self.client.transport_options or {}
        for name in FOLDER_OPTIONS:
            if options.get(name):
                Path(options[name]).mkdir(parents=True, exist_ok=True)
        return super().establish_connection()
