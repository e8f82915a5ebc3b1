from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField

LABELS = {"overview": ("Overview", "Save overview"),
          "reflection": ("Reflection", "Save reflection")}


class ReportTextForm(FlaskForm):
    """Part 1's overview or Part 3's reflection; the form's prefix is the part, so both sit on
    one page (fields overview-text and reflection-text). The 300 words are checked by the
    service, which says so in words."""

    text = TextAreaField("Text")
    submit = SubmitField("Save")

    def __init__(self, part: str, *args, **kwargs):
        super().__init__(*args, prefix=part, **kwargs)
        self.text.label.text, self.submit.label.text = LABELS[part]
