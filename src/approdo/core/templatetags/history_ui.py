"""`{% readable_history entries as rows %}`: history entries as sentences, labels and names."""

from django import template

from approdo.core.history import readable

register = template.Library()


@register.simple_tag
def readable_history(entries):
    return readable(entries or [])
