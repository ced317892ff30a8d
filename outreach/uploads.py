"""The streaming size cap of Excel imports (the mechanism is core.uploads)."""

from django.utils.translation import gettext_lazy as _

from core.uploads import limit_upload_size as _limit_upload_size

from .xlsx import max_upload_bytes

limit_upload_size = _limit_upload_size(
    limit=max_upload_bytes, message=_("文件过大（上限为 %(size)s），已停止上传。请拆分后分批导入。")
)
