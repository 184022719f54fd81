"""Households, step 2 of 3: each list, guidance line, pick and cart send belongs to the household
of the user who owns it (accounts 0004 gave every user one). Nothing is lost or moved between users."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_households(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    for name in ("ShoppingList", "Guidance", "Selection", "CartSend"):
        model = apps.get_model("shopping", name)
        household = Membership.objects.filter(user_id=OuterRef("owner_id")).values("household_id")[:1]
        model.objects.filter(household__isnull=True).update(household_id=Subquery(household))


class Migration(migrations.Migration):
    dependencies = [("shopping", "0007_households"), ("accounts", "0004_every_user_a_household")]

    operations = [migrations.RunPython(fill_households, migrations.RunPython.noop)]
