from django.db import migrations

# (kind, offset in days, escalate to the leader). Offices change these rows in the admin.
DEFAULT_RULES = [
    ("campaigns.campaign_end", -7, False),
    ("campaigns.campaign_end", -1, False),
    ("campaigns.campaign_end", 0, False),
    ("campaigns.milestone_assignment", -7, False),
    ("campaigns.milestone_assignment", -1, False),
    ("campaigns.milestone_assignment", 0, False),
    ("campaigns.milestone_assignment", 1, True),
    ("evaluations.report", -7, False),
    ("evaluations.report", -1, False),
    ("evaluations.report", 0, False),
    ("evaluations.report", 1, True),
    ("ledgers.pledge", -7, False),
    ("ledgers.pledge", -1, False),
    ("ledgers.pledge", 0, False),
    ("ledgers.pledge", 1, True),
    # A demand on the rectification ledger: shorter lead, 件件有着落.
    ("ledgers.demand", -3, False),
    ("ledgers.demand", -1, False),
    ("ledgers.demand", 0, False),
    ("ledgers.demand", 1, True),
    # A forum's notice must be posted 5 days ahead (plan 001); the deadline is that posting date.
    ("outreach.forum_notice", -2, False),
    ("outreach.forum_notice", 0, False),
    ("outreach.forum_notice", 1, True),
    # A quota falling short near the end of its period.
    ("campaigns.requirement_shortfall", -14, False),
    ("campaigns.requirement_shortfall", -7, False),
    ("campaigns.requirement_shortfall", -3, True),
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
    dependencies = [("reminders", "0001_initial")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
