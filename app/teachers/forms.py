from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class TeacherForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    grade = StringField("Grade", validators=[Optional(), Length(max=40)])
    subject = StringField("Subject", validators=[Optional(), Length(max=80)])
    school = StringField("School", validators=[Optional(), Length(max=120)])
    submit = SubmitField("Save")
