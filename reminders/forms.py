from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from core.masking import mask_phone
from org.models import Cadre

from .models import ChannelPreference


def delivery_addresses(user) -> tuple[str, str]:
    """(e-mail address, masked phone) the e-mail and SMS channels use for ``user``; "" when unset."""
    phone = Cadre.objects.filter(user_id=user.pk).values_list("phone", flat=True).first() or ""
    return user.email or "", mask_phone(phone) if phone else ""


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
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email, phone = delivery_addresses(self.instance.user)
        # Say where each channel delivers, so a missing or stale address is noticed here.
        self.fields["email"].help_text = (
            _("发送到 %(email)s（账号登记的电子邮箱）") % {"email": email}
            if email
            else _("账号未登记电子邮箱，不会发送邮件；请联系活动办公室登记")
        )
        self.fields["sms"].help_text = (
            _("发送到 %(phone)s（干部信息中登记的手机号）") % {"phone": phone}
            if phone
            else _("干部信息中未登记手机号，不会发送短信；请联系活动办公室登记")
        )
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
