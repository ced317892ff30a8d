from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ChannelPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = ChannelPreference
        fields = ["inapp", "email", "sms", "quiet_start", "quiet_end", "digest"]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "quiet_start": _("免打扰时段内的短信顺延到时段结束后发送，不会丢失"),
            "sms": _("发送到干部信息中登记的手机号"),
            "email": _("发送到账号登记的电子邮箱"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("接收渠道"), Field("inapp"), Field("email"), Field("sms")),
            Fieldset(
                _("短信免打扰时段"),
                Div(Div("quiet_start", css_class="col-6"), Div("quiet_end", css_class="col-6"), css_class="row"),
            ),
            Fieldset(_("每日摘要"), Field("digest")),
            Submit("save", _("保存"), css_class="btn-lg"),
        )
