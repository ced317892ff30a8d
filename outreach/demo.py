"""Demo household register: about 2,000 households across the 24 demo villages."""

from campaigns.demo import chinese_name

from .models import Household, HouseholdCategory
from .validators import id_number_check_digit

HOUSEHOLDS_PER_VILLAGE = 84


def demo_id_number(rng, region: str) -> str:
    year = rng.randint(1940, 1995)
    first17 = f"{region}{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first17 + id_number_check_digit(first17)


def seed(*, context, stdout):
    rng = context["rng"]
    categories = list(HouseholdCategory.objects.all())
    existing = set(Household.objects.values_list("village_id", "number"))
    new_households, wanted_categories = [], []
    for village in context["villages"]:
        region = village.code[:6]
        for n in range(1, HOUSEHOLDS_PER_VILLAGE + 1):
            number = f"{n:04d}"
            # Draw the same numbers whether or not the row exists, so reruns stay identical.
            head = chinese_name(rng)
            id_number = demo_id_number(rng, region)
            phone = f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"
            members = rng.randint(1, 6)
            picked = rng.sample(categories, k=rng.choice((0, 0, 0, 1, 1, 2)))
            if (village.pk, number) in existing:
                continue
            new_households.append(
                Household(
                    village=village,
                    number=number,
                    head_name=head,
                    members_count=members,
                    address=f"{village.name}{(n - 1) // 20 + 1}组{n}号",
                    phone=phone,
                    id_number=id_number,
                )
            )
            wanted_categories.append(picked)
    Household.objects.bulk_create(new_households, batch_size=500)
    through = Household.categories.through
    links = []
    for household, picked in zip(new_households, wanted_categories, strict=True):
        if household.pk is None:  # SQLite before 3.35 returns no ids; look them up.
            household = Household.objects.get(village=household.village, number=household.number)
        links.extend(through(household_id=household.pk, householdcategory_id=c.pk) for c in picked)
    through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
    stdout.write(f"农户 {Household.objects.count()} 户（本次新增 {len(new_households)} 户）")
