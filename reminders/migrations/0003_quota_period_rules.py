from django.db import migrations

# (kind, offset in days, escalate to the leader) for quotas counted per period of their own;
# the offsets count from the period's end. A quota can still be met before its period ends, so
# the leader hears of it a few days before the end, not after (as for the campaign-wide quotas
# of 0002). An escalation has an offset of its own: a reminder is unique per (subject, recipient,
# due date, offset), and a leader short of the quota himself must still hear of his people.
# Offices change these rows in the admin.
DEFAULT_RULES = [
    ("campaigns.quota_month", -7, False),
    ("campaigns.quota_month", -3, False),
    ("campaigns.quota_month", -2, True),
    ("campaigns.quota_week", -2, False),
    ("campaigns.quota_week", -1, True),
    ("campaigns.quota_year", -30, False),
    ("campaigns.quota_year", -14, False),
    ("campaigns.quota_year", -7, True),
    ("campaigns.quota_phase", -5, False),
    ("campaigns.quota_phase", -2, True),
]


def add_rules(apps, schema_editor):
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    for kind, offset, escalate in DEFAULT_RULES:
        ReminderRule.objects.get_or_create(kind=kind, offset_days=offset, escalate=escalate)


def remove_rules(apps, schema_editor):
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    for kind, offset, escalate in DEFAULT_RULES:
        ReminderRule.objects.filter(kind=kind, offset_days=offset, escalate=escalate).delete()


class Migration(migrations.Migration):
    dependencies = [("reminders", "0002_default_rules")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
