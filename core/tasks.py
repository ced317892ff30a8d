from .accounts import disable_dormant_accounts
from .background import task


@task(name="core.disable_dormant_accounts", soft_time_limit=240, time_limit=300)
def disable_dormant_accounts_task():
    """Daily: accounts not used for ACCOUNT_DORMANT_DAYS are disabled, each with an audit event."""
    return disable_dormant_accounts()
