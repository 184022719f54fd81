"""The one query every household-owned table shares (see accounts.access)."""

from django.db import models

from accounts.models import Membership


class HouseholdQuerySet(models.QuerySet):
    def for_household(self, household):
        """The household's rows: the only way views reach them, so another household's are a 404."""
        return self.filter(household=household)

    def for_member(self, user):
        """The rows of the household `user` belongs to, found in the same query as the rows
        (no membership lookup first): for read-only listings, where a user with no household
        yet simply has no rows."""
        # A subquery on the membership, not a join through the household table.
        return self.filter(household_id=Membership.objects.filter(user=user).values("household_id")[:1])
