from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from .. import timezones


class DetailsForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    time_zone = SelectField("Time zone", validators=[DataRequired()])
    save = SubmitField("Save")

    def __init__(self, *args, current_zone: str = timezones.DEFAULT_ZONE, **kwargs):
        super().__init__(*args, **kwargs)
        names = timezones.zone_names()
        if current_zone not in names:  # a legacy name a browser gave keeps its place
            names = (current_zone, *names)
        self.time_zone.choices = [(name, name.replace("_", " ")) for name in names]


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(8, 200, "Use a password of 8 to 200 characters.")],
    )
    new_password_again = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new_password", "The new passwords do not match.")],
    )
    change_password = SubmitField("Change password")


class SignOutEverywhereForm(FlaskForm):
    sign_out_everywhere = SubmitField("Sign out everywhere")


class ExportForm(FlaskForm):
    export = SubmitField("Export all my data")


class DeleteAccountForm(FlaskForm):
    confirm_email = StringField("Type your email to confirm", validators=[Length(max=254)])
    delete_account = SubmitField("Delete my account")
