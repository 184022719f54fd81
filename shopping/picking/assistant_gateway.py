"""The one HTTP seam to the assistant vendor (an OpenAI-compatible chat-completions API), as
`kroger/client.py` is Kroger's: settings read at call time, an explicit timeout, and every
failure raised as `AssistantUnavailable` so the caller has one thing to catch."""

import requests
from django.conf import settings

DEFAULT_TIMEOUT_SECONDS = 3.0


class AssistantUnavailable(Exception):
    """The assistant could not be asked or did not answer in the expected shape."""


def assistant_configured() -> bool:
    """Whether an assistant endpoint and model are set (LLM_API_BASE_URL, LLM_MODEL)."""
    return bool(settings.LLM_API_BASE_URL and settings.LLM_MODEL)


def chat_completion(body: dict, *, timeout: float | None = None) -> str:
    """POST a chat-completions request; the first choice's message content."""
    headers = {"Content-Type": "application/json"}
    if settings.LLM_API_KEY:
        headers["Authorization"] = f"Bearer {settings.LLM_API_KEY}"
    url = settings.LLM_API_BASE_URL.rstrip("/") + "/chat/completions"
    timeout = timeout or settings.LLM_TIMEOUT_SECONDS or DEFAULT_TIMEOUT_SECONDS
    try:
        response = requests.post(url, json=body, headers=headers, timeout=timeout)
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
    except (requests.RequestException, ValueError, KeyError, IndexError, TypeError) as exc:
        raise AssistantUnavailable(type(exc).__name__) from exc
    if not isinstance(content, str):
        raise AssistantUnavailable("content is not text")
    return content
