"""Every error the course library raises on purpose.

Each message says what went wrong and what to do next. All inherit from
CourseError, so a notebook can catch them in one place.
"""


class CourseError(Exception):
    """Base class for errors raised by the course library."""


class UnknownModelError(CourseError, ValueError):
    """A model spec that no provider recognises."""


class MissingAPIKeyError(CourseError):
    """A real provider was asked for, but its API key variable is unset."""


class ProviderUnavailableError(CourseError):
    """The provider could not be reached, or answered with a server error."""


class RateLimitError(ProviderUnavailableError):
    """The provider answered 429: slow down and retry later."""


class ProviderTimeoutError(ProviderUnavailableError):
    """The provider did not answer in time."""


class NetworkRefusedError(CourseError):
    """A real network call was attempted where the course forbids it."""


class ModelFileError(CourseError):
    """A model file is missing, or its bytes do not match the pinned sha256."""


class ContextOverflowError(CourseError, ValueError):
    """A prompt does not fit in the model's context window."""

    def __init__(self, message, *, prompt_tokens=None, max_tokens=None, context_window=None):
        super().__init__(message)
        self.prompt_tokens = prompt_tokens
        self.max_tokens = max_tokens
        self.context_window = context_window


class ScriptExhaustedError(CourseError):
    """A scripted fake model was called more times than it has replies."""
