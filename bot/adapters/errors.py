"""Failures an adapter reports at start-up in words an operator can act on."""


class StartupError(Exception):
    """The platform could not be reached or refused us; the message says what to do."""
