"""factory-boy factories. Deterministic sequences for identifiers; pass what a test asserts."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.access import create_own_household
from accounts.models import ApiToken, HouseholdInvite, KrogerToken, Membership, User
from shopping.models import CartSend, Guidance, ListItem, Selection, ShoppingList


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"shopper{n}")
    kroger_profile_id = factory.Sequence(lambda n: f"00000000-0000-4000-8000-{n:012d}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "correct horse battery staple")
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def household(obj, create, extracted, **kwargs):
        """A household of their own, as sign-in gives one; `household=h` joins `h` as a member instead."""
        if not create:
            return
        if extracted is None:
            create_own_household(obj)
        else:
            Membership.objects.create(user=obj, household=extracted, role=Membership.Role.MEMBER)


def household_of_owner(o):
    """The factory row's household: its owner's (who made or sent it); none for a `build()` owner."""
    if o.owner.pk is None:
        return None
    return Membership.objects.get(user=o.owner).household


class HouseholdInviteFactory(factory.django.DjangoModelFactory):
    """Build with `token=` to know the secret; only its hash is stored."""

    class Meta:
        model = HouseholdInvite
        exclude = ["token"]

    token = factory.Sequence(lambda n: f"invite-token-{n:08d}-abcdef")
    token_hash = factory.LazyAttribute(lambda o: HouseholdInvite.hash_token(o.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class KrogerTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KrogerToken

    user = factory.SubFactory(UserFactory)
    access_token = factory.Sequence(lambda n: f"access-token-{n}")
    refresh_token = factory.Sequence(lambda n: f"refresh-token-{n}")
    access_expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=30))
    scopes = "profile.compact cart.basic:write product.compact"


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """Build with `secret=` to know the plaintext; only its hash is stored."""

    class Meta:
        model = ApiToken
        exclude = ["secret"]

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Token {n}")
    secret = factory.LazyFunction(ApiToken.new_secret)
    key_hash = factory.LazyAttribute(lambda o: ApiToken.hash_secret(o.secret))
    key_prefix = factory.LazyAttribute(lambda o: o.secret[:8])


class GuidanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guidance

    owner = factory.SubFactory(UserFactory)
    household = factory.LazyAttribute(household_of_owner)
    text = factory.Sequence(lambda n: f"Guidance line {n}")
    position = factory.Sequence(lambda n: n)


class SelectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Selection

    owner = factory.SubFactory(UserFactory)
    household = factory.LazyAttribute(household_of_owner)
    term = factory.Sequence(lambda n: f"item {n}")
    product_id = factory.Sequence(lambda n: f"{n:013d}")
    description = factory.Sequence(lambda n: f"Product {n}")
    quantity = 1


class ShoppingListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShoppingList

    owner = factory.SubFactory(UserFactory)
    household = factory.LazyAttribute(household_of_owner)
    name = factory.Sequence(lambda n: f"List {n}")


class ListItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListItem

    shopping_list = factory.SubFactory(ShoppingListFactory)
    position = factory.Sequence(lambda n: n)
    raw_text = factory.Sequence(lambda n: f"item {n}")
    term = factory.LazyAttribute(lambda o: o.raw_text)


class CartSendFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartSend

    owner = factory.SubFactory(UserFactory)
    household = factory.LazyAttribute(household_of_owner)
    items = factory.LazyFunction(lambda: [{"upc": "0001111041700", "quantity": 1, "modality": "PICKUP"}])
