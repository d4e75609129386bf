"""gunicorn reads this file from the folder it starts in: its error and access logs go through the same
redaction as every other process's (phones masked, codes and secrets hidden; README "Security")."""

from gunicorn.glogging import Logger

from core.logging import RedactFilter


class RedactingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)  # (re)makes the handlers, on start and on every reload
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(RedactFilter())


logger_class = RedactingLogger
