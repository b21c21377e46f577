"""Page-number pagination whose parameters mean what the schema says.

DRF falls back to the default size when `page_size` is not a number and treats `page`
loosely; a client that sends `page_size=null` then gets 50 rows and never learns its
input was wrong (issue 13, finding 6). Here either parameter, when given, is a whole
number in its documented range or the request is a 400.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


def _whole_number(
    request, name: str, *, minimum: int, maximum: int | None = None
) -> int | None:
    given = request.query_params.getlist(name)
    if not given:
        return None
    value = given[0].strip()
    if len(given) == 1 and value.isascii() and value.isdigit():
        number = int(value)
        if number >= minimum and (maximum is None or number <= maximum):
            return number
    if maximum is None:
        message = _("须为不小于 %(minimum)d 的整数") % {"minimum": minimum}
    else:
        message = _("须为 %(minimum)d 至 %(maximum)d 的整数") % {
            "minimum": minimum,
            "maximum": maximum,
        }
    raise serializers.ValidationError({name: [message]})


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # The schema documents `page` as a number; "last" would be a second meaning.
    last_page_strings = ()

    def get_page_size(self, request):
        size = _whole_number(
            request, self.page_size_query_param, minimum=1, maximum=self.max_page_size
        )
        return self.page_size if size is None else size

    def get_page_number(self, request, paginator):
        number = _whole_number(request, self.page_query_param, minimum=1)
        return 1 if number is None else number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(
                    minimum=1, maximum=self.max_page_size, default=self.page_size
                )
        return parameters
