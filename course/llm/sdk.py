"""What the hosted providers share: their SDK, their API key, and their errors in the course's words.

    openai = import_sdk("openai")                    # CourseError with the install command if missing
    key = read_api_key("OPENAI_API_KEY", "OpenAI")   # MissingAPIKeyError that names the variable
    with translate_errors(openai, "api.openai.com", "openai"):
        client.chat.completions.create(...)          # a 429 becomes RateLimitError, and so on

Both SDKs speak HTTP through httpx2 (pydantic's fork of httpx, same API): pass
http_client=httpx2.Client(transport=httpx2.MockTransport(handler)) to a
provider to test it without a network.

Does not retry: the SDKs' own retries are off, because retrying is a policy the
course teaches (lesson 10), not something to hide.
"""

from __future__ import annotations

import os

from ..errors import (
    CourseError,
    MissingAPIKeyError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitError,
)

INSTALL_HINT = "Install the provider SDKs with: .venv/bin/pip install -e '.[providers]'"
DEFAULT_TIMEOUT_S = 60.0


def import_sdk(name: str):
    try:
        return __import__(name)
    except ImportError:
        raise CourseError(f"The {name!r} package is not installed. {INSTALL_HINT}") from None


def read_api_key(variable: str, provider: str) -> str:
    key = os.environ.get(variable, "").strip()
    if not key:
        raise MissingAPIKeyError(
            f"{provider} needs an API key: set the environment variable {variable} "
            f"(for example `export {variable}=...` before starting Jupyter), or use "
            "the offline default COURSE_MODEL=local."
        )
    return key


class translate_errors:
    """Turn an SDK's exceptions into the course's, with a message that says what to do."""

    def __init__(self, sdk, where: str, provider: str):
        self.sdk, self.where, self.provider = sdk, where, provider

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is None:
            return False
        sdk = self.sdk
        if isinstance(error, sdk.APITimeoutError):
            raise ProviderTimeoutError(
                f"{self.provider} did not answer in time ({self.where}). Try again, "
                "raise the timeout, or send a shorter prompt."
            ) from error
        if isinstance(error, sdk.APIConnectionError):
            raise ProviderUnavailableError(
                f"Cannot reach {self.provider} at {self.where}: {error}. Check that the "
                "server is running and the URL is right, or switch back with COURSE_MODEL=local."
            ) from error
        if isinstance(error, sdk.RateLimitError):
            raise RateLimitError(
                f"{self.provider} answered 429 (rate limited). Wait and retry with backoff."
            ) from error
        if isinstance(error, sdk.AuthenticationError):
            raise MissingAPIKeyError(
                f"{self.provider} rejected the API key (401). Check the key in your "
                "environment; it may be mistyped, revoked or for another organisation."
            ) from error
        if isinstance(error, sdk.APIStatusError) and error.status_code >= 500:
            raise ProviderUnavailableError(
                f"{self.provider} answered {error.status_code} (a server error). "
                "It is usually temporary: retry with backoff or fall back to another model."
            ) from error
        return False
