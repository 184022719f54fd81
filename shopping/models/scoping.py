"""The one query every household-owned table shares (see accounts.access)."""

from django.db import models


class HouseholdQuerySet(models.QuerySet):
    def for_household(self, household):
        """The household's rows: the only way views reach them, so another household's are a 404."""
        return self.filter(household=household)
