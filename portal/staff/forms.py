from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length


class SignInForm(FlaskForm):
    # No format check: any mismatch gets the same answer as a wrong password.
    email = EmailField("Email address", validators=[InputRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired("Enter your password"), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(
        "One-time code",
        validators=[InputRequired("Enter the 6-digit code from your authenticator app"), Length(max=20)],
    )
