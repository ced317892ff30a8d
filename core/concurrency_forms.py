"""The form side of ``core.concurrency``: hidden token and version fields, and the conflict page.

``SubmissionTokenMixin`` gives a create form a ``token`` generated when the form is rendered;
``VersionMixin`` gives an edit form the ``version`` of the record it shows; ``RecordFormMixin``
picks one of them for a ModelForm that both creates and edits. Only hidden fields: validation of
what people type stays in each form.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.db import models
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .concurrency import StaleEdit, lock_version
from .masking import mask_text
from .templatetags.core_tags import person_name

TOKEN_FIELD = "token"  # noqa: S105 (a form field name, not a secret)
VERSION_FIELD = "version"


class SubmissionTokenMixin:
    """A hidden ``token`` made when the form is first shown; the create service stores it once.

    Forms posted without one (an old tab from before the field existed, a script) still work,
    unprotected, unless ``token_required``.
    """

    token_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD] = forms.UUIDField(
            widget=forms.HiddenInput,
            required=self.token_required,
            error_messages={
                "required": gettext_lazy("页面已过期，请核对后再次提交。"),
                "invalid": gettext_lazy("页面已过期，请核对后再次提交。"),
            },
        )
        if not self.is_bound:
            self.initial.setdefault(TOKEN_FIELD, uuid.uuid4())

    def clean(self):
        data = super().clean()
        if TOKEN_FIELD in self._errors:
            # Shown at the top, not as "(hidden field token)"; the page comes back with a fresh
            # token so the next submit goes through.
            messages = self._errors.pop(TOKEN_FIELD)
            self.data = self.data.copy()
            self.data[self.add_prefix(TOKEN_FIELD)] = str(uuid.uuid4())
            for message in messages:
                self.add_error(None, message)
        return data

    def replayed(self, model):
        """The ``model`` record this very form already created, if it was posted before.

        For forms whose own validation would refuse a replay (a unique household number now
        taken by the record the first post made): the view checks this first and lands on it.
        """
        if not self.is_bound:
            return None
        try:
            key = uuid.UUID(str(self.data.get(self.add_prefix(TOKEN_FIELD), "")))
        except ValueError:
            return None
        return model._default_manager.filter(idempotency_key=key).first()

    @property
    def submission_token(self):
        return self.cleaned_data.get(TOKEN_FIELD)

    @property
    def typed_data(self) -> dict:
        """``cleaned_data`` without the hidden token and version: what the record is made of."""
        return {k: v for k, v in self.cleaned_data.items() if k not in (TOKEN_FIELD, VERSION_FIELD)}


class VersionMixin:
    """A hidden ``version``: the version of ``self.instance`` the page was loaded at."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[VERSION_FIELD] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
        if not self.is_bound:
            self.initial[VERSION_FIELD] = self.instance.version

    @property
    def loaded_version(self) -> int | None:
        return self.cleaned_data.get(VERSION_FIELD)

    typed_data = SubmissionTokenMixin.typed_data

    def rebase(self, exc: StaleEdit, *, private=()) -> "EditConflict":
        """After a refused save: the form keeps what was typed, now on the current version, so
        that a second submit (after reading what the other person saved) goes through."""
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = str(exc.current.version)
        return EditConflict.of(self, exc, private=private)


class RecordFormMixin(VersionMixin, SubmissionTokenMixin):
    """For a ModelForm that creates and edits: a token when creating, a version when editing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields[VERSION_FIELD]
        else:
            del self.fields[TOKEN_FIELD]
            self.initial.pop(TOKEN_FIELD, None)


@dataclass
class EditConflict:
    """What the conflict page shows: who saved meanwhile, when, and what they saved that differs."""

    message: str
    who: str
    when: datetime.datetime | None
    rows: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, form, exc: StaleEdit, *, private=()) -> "EditConflict":
        return cls(
            message=exc.messages[0],
            who=person_name(exc.changed_by),
            when=exc.changed_at,
            rows=differences(form, exc.current, private=private),
        )


def differences(form, current, *, private=()) -> list[tuple[str, str]]:
    """(label, value saved now) for each field where the saved record differs from what was typed.

    ``private`` fields (ID and phone numbers) are named but their values are not shown.
    """
    rows = []
    for name, form_field in form.fields.items():
        if name in (TOKEN_FIELD, VERSION_FIELD) or isinstance(form_field.widget, forms.HiddenInput):
            continue
        if isinstance(form_field, forms.FileField):  # uploads are not kept on a refused page anyway
            continue
        try:
            saved = getattr(current, name)
        except (AttributeError, ValueError):
            continue
        typed = form.cleaned_data.get(name)
        if isinstance(saved, models.Manager):
            saved = list(saved.all())
            if _keys(saved) == _keys(typed or []):
                continue
        elif _key(saved) == _key(typed):
            continue
        label = str(form_field.label or name)
        if name in private:
            rows.append((label, _("（已修改，号码不在此显示）")))
        else:
            # What a colleague saved may hold numbers people said: masked like every page (core.masking).
            rows.append((label, mask_text(_display(current, name, saved))))
    return rows


def _key(value):
    if isinstance(value, models.Model):
        return value.pk
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip().replace("\r\n", "\n")
    return value


def _keys(values):
    return sorted(_key(v) for v in values)


def _display(record, name, value) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or _("（空）")
    display = getattr(record, f"get_{name}_display", None)
    if display is not None:
        return str(display()) or _("（空）")
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def saved_message(request, created: bool, text: str) -> None:
    """The success message of a create form, or for a replayed one (a double tap, a page sent
    again) that nothing was added."""
    if created:
        messages.success(request, text)
    else:
        messages.info(request, _("这份表单已经提交过，没有重复保存。"))


def edit_conflict_response(request, *, template: str, context: dict, form, exc: StaleEdit, done, private=()):
    """The answer to a save refused as stale (``StaleEdit``), for every edit page.

    If what the other person saved is exactly what this user typed (a double-clicked save, or the
    same correction made twice), there is nothing to resolve: it is reported saved and the user
    goes to ``done`` (a URL or a model instance). Otherwise the edit page is shown again (409) with
    who saved meanwhile, when, and what differs, and the form keeps what was typed, on the
    current version, so the next submit goes through.
    """
    conflict = form.rebase(exc, private=private)
    if not conflict.rows:
        messages.success(request, _("已保存。"))
        return redirect(done)
    return render(request, template, {**context, "form": form, "conflict": conflict}, status=409)


class VersionedAdminForm(forms.ModelForm):
    """Admin change form of a versioned record: the version it was loaded at, checked under a lock.

    The admin saves inside one transaction (``changeform_view``), so the row locked here stays
    locked until the save: nobody can slip a change in between the check and the write. A stale
    form comes back with what was typed, an error naming who saved meanwhile and when, and the
    current version, so saving again (after reading) goes through.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["loaded_version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk is not None and loaded is not None:
            try:
                lock_version(type(self.instance)._default_manager.all(), pk=self.instance.pk, expected_version=loaded)
            except StaleEdit as exc:
                self.data = self.data.copy()
                self.data[self.add_prefix("loaded_version")] = str(exc.current.version)
                rows = "；".join(f"{label}：{value}" for label, value in differences(self, exc.current))
                message = exc.messages[0] + (_("对方保存的内容：%(rows)s") % {"rows": rows} if rows else "")
                raise forms.ValidationError(message, code="stale") from exc
        return cleaned
