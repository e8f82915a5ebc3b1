from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..share.services import DEFAULT_EXPIRY_DAYS, EXPIRY_CHOICES_DAYS


class ConversationForm(FlaskForm):
    keepers = TextAreaField("Keepers", validators=[Length(max=5000)])
    polishers = TextAreaField("Polishers", validators=[Length(max=5000)])
    private_notes = TextAreaField("Private notes (never shared)", validators=[Length(max=5000)])
    submit = SubmitField("Save notes")


class NextStepForm(FlaskForm):
    action = StringField("Action", validators=[DataRequired(), Length(max=1000)])
    who = StringField("Who", validators=[Optional(), Length(max=120)])
    by_when = DateField("By when", validators=[Optional()])
    submit = SubmitField("Add next step")


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
