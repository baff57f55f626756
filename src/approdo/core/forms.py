from django import forms


class StyledFormMixin:
    """Adds the Bootstrap Italia classes to every widget and ties help texts to their input,
    so templates render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if field.help_text:
                widget.attrs.setdefault("aria-describedby", f"{self[name].auto_id}-help")
            if isinstance(
                widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
