"""Demo data for evaluations. Runs last among the apps that have people and plans, so it also
seeds the demo pledges (issue 6) that the 三查三看 review reads."""

from ledgers import demo_pledges


def seed(*, context, stdout):
    demo_pledges.seed(context=context, stdout=stdout)
