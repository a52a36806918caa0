# This file is part of the one-stop modules.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license.


class NotificationError(Exception):
    "A bank notification refused, with the HTTP status to answer"

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message
