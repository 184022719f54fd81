# Households, step 3 of 3: every row has its household now; remembered picks are one per term
# and store per household (they were per user).

import django.db.models.deletion
from django.db import migrations, models


def _household(related_name):
    return models.ForeignKey(
        on_delete=django.db.models.deletion.CASCADE, related_name=related_name, to="accounts.household"
    )


class Migration(migrations.Migration):
    dependencies = [("shopping", "0008_fill_households")]

    operations = [
        migrations.AlterField(model_name="cartsend", name="household", field=_household("cart_sends")),
        migrations.AlterField(model_name="guidance", name="household", field=_household("guidance")),
        migrations.AlterField(model_name="selection", name="household", field=_household("selections")),
        migrations.AlterField(model_name="shoppinglist", name="household", field=_household("shopping_lists")),
        migrations.AddIndex(
            model_name="selection",
            index=models.Index(fields=["household", "normalized_term"], name="shopping_se_househo_bf1515_idx"),
        ),
        migrations.AddConstraint(
            model_name="selection",
            constraint=models.UniqueConstraint(
                fields=("household", "normalized_term", "location_id"), name="one_selection_per_term_and_store"
            ),
        ),
    ]
