"""Every user who existed before households gets one of their own, as its owner (nothing else changes)."""

from django.db import migrations


def give_each_user_a_household(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Household = apps.get_model("accounts", "Household")
    Membership = apps.get_model("accounts", "Membership")
    for user in User.objects.filter(membership__isnull=True).iterator():
        household = Household.objects.create(name="Our household")
        Membership.objects.create(user=user, household=household, role="owner", joined_at=user.date_joined)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_households")]

    operations = [migrations.RunPython(give_each_user_a_household, migrations.RunPython.noop)]
