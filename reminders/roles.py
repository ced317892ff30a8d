from core.roles import OFFICE_ADMIN

# The campaign office edits the reminder rules and watches failed deliveries (and re-sends them).
ROLE_PERMISSIONS = {
    OFFICE_ADMIN: [
        "reminders.view_reminderrule",
        "reminders.add_reminderrule",
        "reminders.change_reminderrule",
        "reminders.delete_reminderrule",
        "reminders.view_reminder",
        "reminders.view_delivery",
        "reminders.change_delivery",
    ],
}
