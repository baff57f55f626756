"""Funding-source names in the reader's language: `{{ call.funding_source|funding_source }}`,
`{{ practice.funding_sources|funding_sources:"; " }}`."""

from django import template

from approdo.taxonomy.labels import funding_source_label

register = template.Library()


@register.filter
def funding_source(text) -> str:
    return funding_source_label(text) if text else ""


@register.filter
def funding_sources(names, separator: str = ", ") -> str:
    return separator.join(funding_source_label(name) for name in names or [] if str(name).strip())
