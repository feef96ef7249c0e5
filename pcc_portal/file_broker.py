"""Kombu's filesystem transport, the laptop's Celery broker, making its own folders.

The settings only name the folders (all under var/broker/); the web process, the worker and beat
each make them the first time they connect to the broker, so importing the settings creates
nothing on disk. Production uses Redis and never this transport.
"""

from pathlib import Path

from kombu.transport import filesystem

FOLDER_OPTIONS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


class Transport(filesystem.Transport):
    def establish_connection(self):
        options = self.client.transport_options or {}
        for name in FOLDER_OPTIONS:
            if options.get(name):
                Path(options[name]).mkdir(parents=True, exist_ok=True)
        return super().establish_connection()
