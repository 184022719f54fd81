from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from shopping.models.compiled import Rows

MAX_PAGE_SIZE = 200


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and a bounded `?page_size=`: a whole number ≥ 1; above 200 counts as 200.

    DRF quietly ignores a page size it cannot read; we answer 400 instead, as the schema says.
    When the first page holds everything, its length is the count: no COUNT(*) query.
    """

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError({"page_size": ["Enter a whole number of at least 1."]})
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        page_size = self.get_page_size(request)
        if request.query_params.get(self.page_query_param, "1") != "1" or not isinstance(
            queryset, QuerySet | Rows
        ):
            return super().paginate_queryset(queryset, request, view)
        # One row more than fits tells whether there is a second page, from the same query.
        rows = list(queryset[: page_size + 1])
        self.request = request
        if len(rows) <= page_size:
            self.page = Paginator(rows, page_size).page(1)
            return rows
        # More pages: the count comes from COUNT(*) (lazily, for the response), the rows are ours.
        self.page = Page(rows[:page_size], 1, self.django_paginator_class(queryset, page_size))
        self.display_page_controls = self.template is not None
        return rows[:page_size]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    f"Results per page (default {self.page_size}); more than {self.max_page_size} "
                    f"counts as {self.max_page_size}."
                )
            elif parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
