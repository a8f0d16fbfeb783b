from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import Email, InputRequired, Length


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[InputRequired("Enter your email address"), Length(max=254), Email("Enter an email address in the correct format, like name@bradford.gov.uk")],
    )
    password = PasswordField("Password", validators=[InputRequired("Enter your password"), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(
        "One-time code",
        validators=[InputRequired("Enter the 6-digit code from your authenticator app"), Length(max=20)],
    )
