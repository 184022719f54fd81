# Households, step 1 of 3: the household columns, empty for now (0008 fills them, 0009 requires them).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_every_user_a_household'),
        ('shopping', '0006_cart_send_list_lines'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='selection',
            name='one_selection_per_term_and_store',
        ),
        migrations.RemoveIndex(
            model_name='selection',
            name='shopping_se_owner_i_9bab7f_idx',
        ),
        migrations.AddField(
            model_name='cartsend',
            name='household',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='cart_sends', to='accounts.household'),
        ),
        migrations.AddField(
            model_name='guidance',
            name='household',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='guidance', to='accounts.household'),
        ),
        migrations.AddField(
            model_name='listitem',
            name='version',
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name='selection',
            name='household',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='selections', to='accounts.household'),
        ),
        migrations.AddField(
            model_name='shoppinglist',
            name='household',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='shopping_lists', to='accounts.household'),
        ),
    ]
