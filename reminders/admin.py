from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import GlobalConfigAdmin, ScopedModelAdmin
from core.paginators import AdminCappedPaginator

from . import services
from .models import Delivery, Reminder, ReminderRule
from .registry import kind_choices


class ReminderRuleForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("截止事项类型"), choices=())

    class Meta:
        model = ReminderRule
        fields = ["kind", "offset_days", "escalate", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = kind_choices()
        known = {key for key, _label in choices}
        if self.instance.kind and self.instance.kind not in known:
            choices.append((self.instance.kind, self.instance.kind))
        self.fields["kind"].choices = choices


class KindFilter(admin.SimpleListFilter):
    title = _("截止事项类型")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kind_choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(ReminderRule)
class ReminderRuleAdmin(GlobalConfigAdmin):
    form = ReminderRuleForm
    list_display = ["kind_label", "offset_days", "escalate", "is_active"]
    list_editable = ["offset_days", "escalate", "is_active"]
    list_display_links = ["kind_label"]
    list_filter = [KindFilter, "escalate", "is_active"]

    @admin.display(description=_("截止事项类型"), ordering="kind")
    def kind_label(self, obj):
        return dict(kind_choices()).get(obj.kind, obj.kind)


class ReadOnlyAdmin(ScopedModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "unit", "due_date", "offset_days", "is_escalation", "send_at", "status"]
    list_filter = ["status", KindFilter, "is_escalation", "due_date"]
    search_fields = ["title", "recipient__username", "recipient__cadre__name"]
    list_select_related = ["recipient", "unit"]
    # No date_hierarchy (a DISTINCT date_trunc over every reminder on each page) nor full count.
    show_full_result_count = False
    paginator = AdminCappedPaginator


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["reminder", "recipient", "channel", "status", "attempts", "last_error", "created_at", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["recipient__username", "reminder__title"]
    list_select_related = ["reminder", "recipient"]
    actions = ["retry"]
    show_full_result_count = False
    paginator = AdminCappedPaginator

    def has_change_permission(self, request, obj=None):
        # Only the "send again" action changes a delivery; the form stays read-only.
        return obj is None and request.user.has_perm("reminders.change_delivery")

    @admin.action(description=_("重新发送所选的失败记录"), permissions=["change"])
    def retry(self, request, queryset):
        done = 0
        for delivery in queryset.filter(status__in=[Delivery.Status.FAILED, Delivery.Status.UNKNOWN]):
            services.delivery_retry(actor=request.user, delivery=delivery)
            done += 1
        self.message_user(request, _("已安排重新发送 %(n)d 条") % {"n": done}, messages.SUCCESS)
