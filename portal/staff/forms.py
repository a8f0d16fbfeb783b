from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from portal.i18n import lazy_gettext as _l
from portal.shared.forms import Form


class SignInForm(Form):
    # No format check: any mismatch gets the same answer as a wrong password.
    email = EmailField(_l("Email address"), validators=[InputRequired(_l("Enter your email address")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password")), Length(max=200)])


class CodeForm(Form):
    code = StringField(
        _l("One-time code"),
        validators=[InputRequired(_l("Enter the 6-digit code from your authenticator app")), Length(max=20)],
    )


class SetPasswordForm(Form):
    """Through an admin's invitation link: the person's own password, typed twice."""

    password = PasswordField(_l("New password"), validators=[InputRequired(_l("Enter a password")), Length(max=200)])
    confirm = PasswordField(_l("New password again"), validators=[InputRequired(_l("Enter the password again")),
                                                                   Length(max=200)])
