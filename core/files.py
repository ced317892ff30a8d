"""Stored files: random names, and the one way they are served (login, scope, permission, audit).

Nothing under ``MEDIA_ROOT`` is ever served by its path: ``MEDIA_URL`` is routed nowhere, and the
reverse proxy must not serve the folder either (README, "Production"). Every model file field is
a ``PrivateFileField``: its stored name is ``<folder>/<random hex>.<ext>`` (``RandomName``), and
its ``url`` is this project's file view, ``/core/files/<kind>/<pk>/`` — so every link, the
admin's file widgets included, goes through ``serve_file``.

Each app says in ``<app>/files.py`` which of its fields hold files and who may read them, as a
``FileKind`` (core is the lowest layer: it knows no app, the apps register with it). Example::

    register(FileKind(
        key="visit-photo", model="ledgers.visitphoto", field="image",
        get_for_user=lambda *, user, pk: get_for_user_or_404(VisitPhoto.objects.all(), user, pk=pk),
        permission="ledgers.view_visit", personal=True,
    ))

``serve_file`` then answers 404 to anonymous users, for an unknown kind, outside the user's
subtree and for an empty field; 403 without the permission; otherwise hands the bytes over
with django-sendfile2 (Django itself in development and tests, the reverse proxy's
``X-Accel-Redirect`` from an ``internal`` location in production) and ``Cache-Control: private,
no-store``. Files holding personal data are written to the audit trail when served.
"""

import mimetypes
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header
from django_sendfile import sendfile

from .audit import CoreAudit, audit_record

_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")


@deconstructible
class RandomName:
    """``upload_to`` giving ``<folder>/<32 random hex digits>.<ext>``: nothing to guess, no user's
    file name on disk. The extension (lower-cased) is kept for the content type."""

    def __init__(self, folder: str):
        self.folder = folder.strip("/")

    def __call__(self, instance, filename: str) -> str:
        match = _EXTENSION.search(filename or "")
        extension = f".{match.group(1).lower()}" if match else ""
        return f"{self.folder}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self):
        return hash(self.folder)


@dataclass(frozen=True)
class FileKind:
    """One model field holding files, and who may read them."""

    key: str  # the URL segment: /core/files/<key>/<pk>/
    model: str  # "app_label.modelname"
    field: str
    # The object if the user may see it, else Http404: the app's scoped lookup (*_get_for_user).
    get_for_user: Callable[..., models.Model]
    permission: str  # checked after the lookup: 403
    personal: bool = False  # holds personal data: every download is audited
    attachment: bool = False  # download (documents) rather than show inline (photos)
    download_name: Callable[[models.Model], str] | None = None  # the name the browser saves


_KINDS: dict[str, FileKind] = {}
_BY_FIELD: dict[tuple[str, str], FileKind] = {}


def register(kind: FileKind) -> FileKind:
    _KINDS[kind.key] = kind
    _BY_FIELD[(kind.model, kind.field)] = kind
    return kind


def file_kinds() -> dict[str, FileKind]:
    return dict(_KINDS)


def kind_of(instance, field_name: str) -> FileKind:
    kind = _BY_FIELD.get((instance._meta.label_lower, field_name))
    if kind is None:
        raise ImproperlyConfigured(
            f"{instance._meta.label}.{field_name} holds files but no <app>/files.py registers a FileKind for it"
        )
    return kind


def file_url(kind: FileKind, pk) -> str:
    return reverse("core:file", kwargs={"kind": kind.key, "pk": pk})


class PrivateFieldFile(FieldFile):
    @property
    def url(self) -> str:
        """The file view's address, never a path under ``MEDIA_URL``."""
        self._require_file()
        return file_url(kind_of(self.instance, self.field.name), self.instance.pk)

    def save(self, name, content, save=True):
        # The uploaded name, before upload_to makes it random: kept for the page and the download.
        self._set_kept_name(name.replace("\\", "/").rsplit("/", 1)[-1])
        super().save(name, content, save)

    def delete(self, save=True):
        self._set_kept_name("")
        super().delete(save)

    def _set_kept_name(self, value: str) -> None:
        if self.field.name_field:
            limit = self.instance._meta.get_field(self.field.name_field).max_length
            setattr(self.instance, self.field.name_field, value[:limit])


class PrivateFileField(models.FileField):
    """A FileField served only through ``serve_file``; ``upload_to`` should be a ``RandomName``.

    ``name_field``, like ImageField's ``width_field``, names a CharField of the model that keeps
    the uploaded file's own name (shown and offered as the download name), since the stored
    name is random.
    """

    attr_class = PrivateFieldFile

    def __init__(self, *args, name_field: str | None = None, **kwargs):
        self.name_field = name_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.name_field:
            kwargs["name_field"] = self.name_field
        return name, path, args, kwargs


def serve_file(request, *, kind: str, pk: int):
    """The response for one stored file: 404 (anonymous, unknown, out of scope, empty), 403
    (no permission), else the bytes via sendfile, ``private, no-store``; audited if personal."""
    file_kind = _KINDS.get(kind)
    if file_kind is None or not request.user.is_authenticated:
        raise Http404
    obj = file_kind.get_for_user(user=request.user, pk=pk)
    if not request.user.has_perm(file_kind.permission):
        raise PermissionDenied
    stored = getattr(obj, file_kind.field)
    if not stored:
        raise Http404
    name = file_kind.download_name(obj) if file_kind.download_name else stored.name.rsplit("/", 1)[-1]
    response = sendfile(
        request,
        stored.name,
        attachment=file_kind.attachment,
        attachment_filename=name,
        mimetype=mimetypes.guess_type(stored.name)[0] or "application/octet-stream",
    )
    # Django's header: a plain ``filename`` for ASCII names, only ``filename*`` for others (the
    # backend's ASCII fallback of a Chinese name would be a bare ".pdf").
    response["Content-Disposition"] = content_disposition_header(file_kind.attachment, name)
    # Personal data must not stay in a shared browser's or proxy's cache.
    response["Cache-Control"] = "private, no-store"
    # An uploaded file is never a page: no script runs even if a browser guessed HTML.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    if file_kind.personal:
        audit_record(action=CoreAudit.FILE_VIEW, actor=request.user, obj=obj, detail={"kind": file_kind.key})
    return response


def give_random_names(model, field_name: str) -> int:
    """Move every file of ``model.field_name`` still stored under a guessable name (the user's
    file name, a visit id, a fixed monthly name) to a random one. For data migrations; safe to
    run again (random names are left alone). The old files are deleted once the transaction
    commits. Returns how many were moved."""
    from django.core.files.storage import default_storage
    from django.db import transaction

    field = model._meta.get_field(field_name)
    folder, kept_name = field.upload_to.folder, getattr(field, "name_field", None)
    namer = RandomName(folder)
    random_name = re.compile(rf"{re.escape(folder)}/[0-9a-f]{{32}}(\.[a-z0-9]{{1,8}})?")
    moved = []
    for pk, name in model._default_manager.exclude(**{field_name: ""}).values_list("pk", field_name).iterator():
        if random_name.fullmatch(name) or not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as old:
            new = default_storage.save(namer(None, name), old)
        changes = {field_name: new}
        if kept_name:
            # The download keeps the name the file had (its old stored name was the upload's).
            limit = model._meta.get_field(kept_name).max_length
            changes[kept_name] = name.rsplit("/", 1)[-1][:limit]
        model._default_manager.filter(pk=pk).update(**changes)
        moved.append(name)
    transaction.on_commit(lambda: [default_storage.delete(name) for name in moved])
    return len(moved)
