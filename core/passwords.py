"""The password policy (MLPS level 3): at least 12 characters of three kinds, not common, not like the account.

Django's own validators do the checking; these subclasses only word their messages the way a
person in an office would read them (Django's Chinese catalogue leaves the length message in
English and says "你的密码…"). The policy is listed in settings.AUTH_PASSWORD_VALIDATORS, so
every form that sets a password (self-service change, the admin's add and reset forms,
``changepassword``) applies it.
"""

import string

from django.contrib.auth import password_validation as django_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Letters, digits and punctuation a person can type on a Chinese keyboard in English mode.
_CLASSES = (
    ("lower", set(string.ascii_lowercase)),
    ("upper", set(string.ascii_uppercase)),
    ("digit", set(string.digits)),
)


def character_classes(password: str) -> int:
    """How many of the four kinds (lower case, upper case, digits, other characters) ``password`` has."""
    present = {name for name, chars in _CLASSES if any(c in chars for c in password)}
    if any(not any(c in chars for _name, chars in _CLASSES) for c in password):
        present.add("other")
    return len(present)


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def __init__(self, min_length=12):
        super().__init__(min_length)

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码太短：至少需要 %(min)s 个字符，现在只有 %(n)s 个。")
                % {"min": self.min_length, "n": len(password)},
                code="password_too_short",
            )

    def get_help_text(self):
        return _("至少 %(min)s 个字符。") % {"min": self.min_length}


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、符号这四类中的至少 %(n)s 类，例如 Binzhou#2027mq。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("包含小写字母、大写字母、数字、符号中的至少 %(n)s 类。") % {"n": self.min_classes}


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(_("这是一个常用密码，很容易被猜中，请换一个。"), code=exc.code) from exc

    def get_help_text(self):
        return _("不能是常用密码。")


class NumericPasswordValidator(django_validation.NumericPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(_("密码不能全是数字。"), code=exc.code) from exc

    def get_help_text(self):
        return _("不能全是数字。")


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(_("密码与账号名、姓名或邮箱太相似，请换一个别人猜不到的。"), code=exc.code) from exc

    def get_help_text(self):
        return _("不能与账号名、姓名或邮箱相似。")
