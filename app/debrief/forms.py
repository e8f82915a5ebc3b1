from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .guide import GROW


class ConversationForm(FlaskForm):
    keepers = TextAreaField("Keepers", validators=[Length(max=5000)])
    polishers = TextAreaField("Polishers", validators=[Length(max=5000)])
    private_notes = TextAreaField("Private notes (never shared)", validators=[Length(max=5000)])
    submit = SubmitField("Save notes")

    def grow_notes(self) -> dict[str, str | None] | None:
        """The GROW steps' notes as sent, keyed by step; None when the form had none of them
        (an older page), so saving keeps what is stored."""
        fields = [getattr(self, stage.field) for stage in GROW]
        if all(not f.raw_data for f in fields):
            return None
        return {stage.key: f.data for stage, f in zip(GROW, fields, strict=True)}


# One notes field per step of the guide, named grow_<key> (rendered beside its questions).
for _stage in GROW:
    setattr(ConversationForm, _stage.field,
            TextAreaField(_stage.notes_label, validators=[Length(max=5000)]))


class NextStepForm(FlaskForm):
    action = StringField("Action", validators=[DataRequired(), Length(max=1000)])
    who = StringField("Who", validators=[Optional(), Length(max=120)])
    by_when = DateField("By when", validators=[Optional()])
    submit = SubmitField("Add next step")
