"""The forms of the teacher's links: making one (how long it stays open) and the teacher's
reflection through it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from .services import DEFAULT_EXPIRY_DAYS, EXPIRY_CHOICES_DAYS


class ShareForm(FlaskForm):
    days = SelectField(
        "Link stays open for",
        choices=[SelectChoice(str(d), f"{d} days") for d in EXPIRY_CHOICES_DAYS],
        default=str(DEFAULT_EXPIRY_DAYS),
    )
    submit = SubmitField("Share with teacher")


class ReflectionForm(FlaskForm):
    reflection = TextAreaField("Your reflection", validators=[Length(max=5000)])
    submit = SubmitField("Save reflection")
