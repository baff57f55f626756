"""Sections that the apps built on surveys add to a response's review page.

surveys cannot import those apps (they depend on it), so each registers, in its
`AppConfig.ready()`, a function `panel(request, response) -> str` returning the HTML of its
section, or "" when it has nothing to offer for that response and reader."""

from collections.abc import Callable

from django.utils.safestring import SafeString

_panels: list[Callable] = []


def register(panel: Callable) -> None:
    if panel not in _panels:
        _panels.append(panel)


def render(request, response) -> list[SafeString]:
    """The registered sections for `response`, in registration order, empty ones left out."""
    sections = (panel(request, response) for panel in _panels)
    return [SafeString(html) for html in sections if html]
